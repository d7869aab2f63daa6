package io.kukeon.daemon;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kukeon.runtime.TaskInfo;
import io.kukeon.testing.RealComponents;
import io.kukeon.testing.RealDaemon;
import io.kukeon.testing.RealHost;
import io.kukeon.wire.v1.ApplyRequest;
import io.kukeon.wire.v1.ApplyResult;
import io.kukeon.wire.v1.DeleteRequest;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.ListRequest;
import io.kukeon.wire.v1.ObjectDoc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A containerd namespace belongs to one realm (issue 20, defect 1): against the real containerd,
 * a realm cannot take another realm's namespace (also by a dry run, concurrently, and after a
 * restart of the daemon), nor the namespaces of Docker, Kubernetes, ctr or BuildKit, nor one that
 * someone else filled; and deleting such a realm leaves that namespace as it was.
 */
@Tag("containerd")
class NamespaceOwnershipTest {
    @TempDir
    Path dataDir;
    RealDaemon host;
    int pid;

    @BeforeEach
    void start() throws Exception {
        host = new RealDaemon(dataDir);
        host.createStack("a", "s", "t");
        ApplyResult web = apply(false, """
                kind: Cell
                metadata: {name: web}
                spec:
                  realmId: a
                  spaceId: s
                  stackId: t
                  containers:
                    - {id: app, image: docker.io/library/busybox:latest, command: sleep, args: ['3600']}
                """).get(0);
        assertEquals("created", web.getOutcome(), web.toString());
        pid = host.containerd.task(host.namespace("a"), "s_t_web_app").pid();
    }

    @AfterEach
    void stop() throws Exception {
        if (host != null) {
            host.close();
        }
    }

    private List<ApplyResult> apply(boolean dryRun, String yaml) throws Exception {
        return host.client().apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(yaml))
                .setDryRun(dryRun).build()).getResultsList();
    }

    private static String realm(String name, String namespace) {
        return "kind: Realm\nmetadata: {name: " + name + "}\nspec: {namespace: '" + namespace + "'}\n";
    }

    private List<String> realms() throws Exception {
        return host.client().list(ListRequest.newBuilder().setKind("Realm").build()).getObjectsList().stream()
                .map(ObjectDoc::getPath).toList();
    }

    /** Realm a is untouched: Ready, and its task the same process. */
    private void aIsUntouched() throws Exception {
        assertEquals("Ready", host.client().get(GetRequest.newBuilder().setKind("Realm").setPath("a").build())
                .getObject().getStatus().getState());
        assertEquals(TaskInfo.running(pid), host.containerd.task(host.namespace("a"), "s_t_web_app"));
    }

    @Test
    void aRealmCannotTakeAnotherRealmsNamespaceNorOneOfOtherClients() throws Exception {
        for (boolean dryRun : List.of(true, false)) {
            ApplyResult taken = apply(dryRun, realm("b", host.namespace("a"))).get(0);
            assertEquals("failed", taken.getOutcome(), taken.toString());
            assertEquals("NamespaceInUse", taken.getErrorKind());
            assertTrue(taken.getError().contains("belongs to realm \"a\""), taken.getError());
            for (String theirs : List.of("default", "moby", "k8s.io", "buildkit")) {
                ApplyResult refused = apply(dryRun, realm("b", theirs)).get(0);
                assertEquals("failed", refused.getOutcome(), theirs + ": " + refused);
                assertEquals("InvalidArgument", refused.getErrorKind(), theirs);
                assertTrue(refused.getError().startsWith("spec.namespace:"), refused.getError());
            }
        }
        assertEquals(List.of("a"), realms());

        host.stop();
        host.start();
        ApplyResult afterRestart = apply(false, realm("b", host.namespace("a"))).get(0);
        assertEquals("NamespaceInUse", afterRestart.getErrorKind(), "the claim is in the journal");
        aIsUntouched();
        assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class, () -> host.client()
                .get(GetRequest.newBuilder().setKind("Realm").setPath("b").build())).getStatus().getCode());
    }

    /** Concurrent applies of realms that want one namespace: exactly one gets it. */
    @Test
    void concurrentRealmsForOneNamespaceGetItOnce() throws Exception {
        String wanted = "wanted-" + host.id;
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<ApplyResult>> applies = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String yaml = realm("c" + i, wanted);
                applies.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return apply(false, yaml).get(0);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, clients));
            }
            List<ApplyResult> results = applies.stream().map(CompletableFuture::join).toList();
            assertEquals(1, results.stream().filter(r -> r.getOutcome().equals("created")).count(), results.toString());
            assertEquals(7, results.stream().filter(r -> r.getErrorKind().equals("NamespaceInUse")).count(),
                    results.toString());
        } finally {
            clients.shutdownNow();
        }
        assertEquals(2, realms().size());
        String winner = realms().stream().filter(r -> !r.equals("a")).findFirst().orElseThrow();
        host.client().delete(DeleteRequest.newBuilder().setKind("Realm").setPath(winner).build());
        assertTrue(!host.containerd.listNamespaces().contains(wanted), "its own realm's delete removes it");
    }

    /** A namespace someone else made and filled (as `ctr images import` does) is not taken over, nor drained. */
    @Test
    void aNamespaceSomeoneElseFilledIsNotTakenAndItsRealmsDeleteLeavesIt() throws Exception {
        String theirs = "theirs-" + host.id;
        host.containerd.loadImage(theirs, RealComponents.busyboxArchive());
        try {
            ApplyResult refused = apply(false, realm("d", theirs)).get(0);
            assertEquals("failed", refused.getOutcome(), refused.toString());
            assertEquals("NamespaceNotOurs", refused.getErrorKind());
            assertTrue(refused.getError().contains("holds"), refused.getError());

            host.client().delete(DeleteRequest.newBuilder().setKind("Realm").setPath("d").build());
            assertTrue(host.containerd.listNamespaces().contains(theirs), "their namespace is still there");
            assertEquals(1, host.containerd.listImages(theirs).size(), "with their image");
            aIsUntouched();
        } finally {
            host.containerd.ensureNamespace(theirs, RealHost.RAW_REALM, true);
            host.containerd.deleteNamespace(theirs, RealHost.RAW_REALM);
        }
    }
}
