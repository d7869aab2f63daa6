package io.kukeon.daemon;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kukeon.api.Docs;
import io.kukeon.testing.BulkManifests;
import io.kukeon.testing.DaemonProcess;
import io.kukeon.wire.v1.ApplyResult;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.wire.v1.DeleteRequest;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.ListRequest;
import io.kukeon.wire.v1.ListResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A daemon given more objects than its heap holds refuses new work with RESOURCE_EXHAUSTED, naming
 * its heap, and goes on answering: it does not die of OutOfMemoryError (issue 19, goal 4).
 */
class HeapLimitTest {
    private static final String REALM = "heap";
    private static final String SPACE = "s";
    private static final int PER_APPLY = 20;

    @TempDir
    Path dataDir;

    @Test
    void aDaemonWhoseHeapFillsRefusesNewWorkAndGoesOnAnswering() throws Exception {
        try (DaemonProcess daemon = new DaemonProcess(dataDir).withMaxHeap("48m")) {
            daemon.start();
            KukeonGrpc.KukeonBlockingStub api = daemon.client();
            api.create(CreateRequest.newBuilder().setObject(Docs.realm(REALM)).build());
            api.create(CreateRequest.newBuilder().setObject(Docs.space(REALM + "/" + SPACE)).build());
            StatusRuntimeException refused = null;
            int created = 0;
            for (int batch = 0; batch < 400 && refused == null; batch++) {
                try {
                    for (ApplyResult r : daemon.client().withDeadlineAfter(60, TimeUnit.SECONDS).apply(BulkManifests.stacks(REALM, SPACE, batch, PER_APPLY)).getResultsList()) {
                        assertEquals("created", r.getOutcome(), r.toString());
                        created++;
                    }
                } catch (StatusRuntimeException e) {
                    refused = e;
                }
            }
            assertNotNull(refused, "the heap never filled, " + created + " stacks created");
            System.out.printf("refused after %d stacks: %s%n", created, refused.getStatus());
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getStatus().getCode(), refused.getStatus().toString());
            assertTrue(refused.getStatus().getDescription().startsWith("kukeond's heap is full: "), refused.getStatus().getDescription());

            KukeonGrpc.KukeonBlockingStub after = daemon.client().withDeadlineAfter(60, TimeUnit.SECONDS);
            String stack = REALM + "/" + SPACE + "/t0-0";
            assertEquals(stack, after.get(GetRequest.newBuilder().setKind("Stack").setPath(stack).build()).getObject().getPath(),
                    "reads still answer");
            ListResponse first = after.list(ListRequest.newBuilder().setKind("Stack").setPageSize(10).build());
            assertEquals(10, first.getObjectsCount());
            after.delete(DeleteRequest.newBuilder().setKind("Stack").setPath(stack).build());
            String log = Files.readString(daemon.log());
            assertFalse(log.contains("OutOfMemoryError"), "the daemon never ran out of memory");
        }
    }
}
