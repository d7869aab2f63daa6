package io.kukeon.api;

import io.kukeon.model.HostIds;
import io.kukeon.model.Metadata;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.RealmSpec;
import io.kukeon.model.TreeObject;
import io.kukeon.runtime.RuntimeFailure;
import io.kukeon.supervisor.ObjectIndex;
import io.kukeon.supervisor.PullSlots;
import io.kukeon.testing.FakeRuntime;
import io.kukeon.wire.v1.PullImageProgress;
import io.kukeon.wire.v1.PullImageRequest;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A PullImage call has a deadline: one that passes fails the call with a clear reason, and a call
 * that was waiting for a slot gives its place up (one slot per registry here, a queue of one).
 */
class ImagePullDeadlineTest {
    private static final String SLOW = "registry.example:5000/slow:1";
    private static final String QUEUED = "registry.example:5000/queued:1";
    private static final String LATER = "registry.example:5000/later:1";

    @TempDir
    Path uploads;
    private final ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "pull-deadline");
    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    private final FakeRuntime runtime = new FakeRuntime();

    @AfterEach
    void stop() {
        runtime.releasePull(SLOW);
        pool.shutdownNow();
        system.terminate();
    }

    private ImageService service() {
        HostIds ids = new HostIds("kukeon", "kukeon.io");
        ObjectIndex index = new ObjectIndex(ids);
        index.put(new TreeObject.Realm(ObjectPath.of("r"), new Metadata("r", Map.of(), 1), RealmSpec.DEFAULT, null));
        return new ImageService(runtime, index, ids, uploads, system, pool, pool,
                new PullSlots(new PullSlots.Limits(1, 1, Duration.ofSeconds(30))), Duration.ofMillis(500));
    }

    private CompletableFuture<List<PullImageProgress>> pull(ImageService images, String image) {
        return images.pull(PullImageRequest.newBuilder().setRealm("r").setImage(image).build())
                .runWith(Sink.seq(), system).toCompletableFuture();
    }

    private static RuntimeFailure failure(CompletableFuture<?> call) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(10, TimeUnit.SECONDS));
        return assertInstanceOf(RuntimeFailure.class, ErrorMapping.unwrap(e.getCause()));
    }

    @Test
    void aPullOverItsDeadlineFailsSayingSoAndOneWaitingGivesUpItsPlace() throws Exception {
        ImageService images = service();
        runtime.holdPull(SLOW);
        CompletableFuture<List<PullImageProgress>> slow = pull(images, SLOW);
        CompletableFuture<List<PullImageProgress>> queued = pull(images, QUEUED);

        RuntimeFailure late = failure(slow);
        assertEquals("PullTimedOut", late.kind());
        assertEquals("the pull of " + SLOW + " into realm \"r\" did not finish within 500 ms", late.getMessage());
        assertEquals("PullTimedOut", failure(queued).kind());

        runtime.releasePull(SLOW);   // the pull that ran goes on and ends; its slot goes to the next in line
        List<PullImageProgress> later = pull(images, LATER).get(10, TimeUnit.SECONDS);
        assertTrue(later.get(later.size() - 1).hasImage(), later.toString());
        assertNull(runtime.pullLogins(QUEUED), "the pull whose call gave up never ran: the one after it did");
    }
}
