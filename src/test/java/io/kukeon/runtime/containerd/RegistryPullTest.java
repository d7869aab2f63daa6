package io.kukeon.runtime.containerd;

import io.kukeon.model.RegistryCredential;
import io.kukeon.runtime.ImageInfo;
import io.kukeon.runtime.RuntimeFailure;
import io.kukeon.runtime.TaskInfo;
import io.kukeon.testing.RealComponents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pulls from the htpasswd-protected registry of scripts/containerd/start-registry.sh. */
@Tag("containerd")
@Tag("registry")
class RegistryPullTest {
    private ContainerdTestBed bed;
    private String registry;
    private String image;

    @BeforeEach
    void setUp() throws Exception {
        bed = ContainerdTestBed.open();
        registry = RealComponents.registry();
        image = registry + "/library/busybox:latest";
    }

    @AfterEach
    void tearDown() throws Exception {
        if (bed != null) {
            bed.close();
        }
    }

    @Test
    void pullWithTheMatchingCredentialSucceedsAndRuns() throws Exception {
        List<RegistryCredential> credentials = List.of(
                new RegistryCredential("someone", "else", "other.example.com"),
                new RegistryCredential(RealComponents.registryUser(), RealComponents.registryPassword(), registry));
        List<long[]> progress = new ArrayList<>();

        ImageInfo pulled = bed.runtime.ensureImage(bed.namespace, image, credentials, (done, total) -> progress.add(new long[] {done, total}));

        assertEquals(image, pulled.name());
        assertNotNull(bed.images.get(bed.namespace, image), "containerd has the image record");
        long[] last = progress.get(progress.size() - 1);
        assertTrue(last[1] > 1_000_000 && last[0] == last[1], "progress ends at total: " + last[0] + "/" + last[1]);
        // the pulled image runs
        var r = bed.request("cell1", "pulled", List.of("true"));
        r = new io.kukeon.runtime.ContainerRequest(r.namespace(), r.containerdId(), r.labels(), image, r.command(), r.args(),
                r.env(), r.workingDir(), r.user(), r.hostname(), r.cgroupsPath(), r.resources(), r.joinNamespaces(), r.shimGroup(), r.hostNetwork(), r.mounts());
        bed.run(r);
        assertNotNull(bed.tasks.awaitExit(bed.namespace, r.containerdId(), java.time.Duration.ofSeconds(10)));
        assertEquals(0, bed.runtime.task(bed.namespace, r.containerdId()).exitCode());
        assertEquals(TaskInfo.Status.STOPPED, bed.runtime.task(bed.namespace, r.containerdId()).status());
        // present now: no second pull
        assertEquals(pulled.digest(), bed.runtime.ensureImage(bed.namespace, image, List.of(), (d, t) -> {
            throw new AssertionError("pulled again");
        }).digest());
    }

    @Test
    void pullWithAWrongPasswordFailsUnauthorizedWithoutLeakingIt() throws Exception {
        String secret = "wrong-" + bed.id;
        RuntimeFailure e = assertThrows(RuntimeFailure.class, () -> bed.runtime.ensureImage(bed.namespace, image,
                List.of(new RegistryCredential(RealComponents.registryUser(), secret, "")), null));

        assertEquals("Unauthorized", e.kind());
        assertTrue(e.getMessage().contains("unauthorized"), e.getMessage());
        assertFalse(e.getMessage().contains(secret), "the password is not in the message");
        assertTrue(bed.images.list(bed.namespace).isEmpty());
    }

    @Test
    void pullWithoutCredentialsFailsUnauthorized() throws Exception {
        RuntimeFailure e = assertThrows(RuntimeFailure.class, () -> bed.runtime.ensureImage(bed.namespace, image, List.of(), null));

        assertEquals("Unauthorized", e.kind());
        assertTrue(e.getMessage().contains("unauthorized"), e.getMessage());
    }

    @Test
    void pullOfAMissingImageFailsImageNotFound() throws Exception {
        RuntimeFailure e = assertThrows(RuntimeFailure.class, () -> bed.runtime.ensureImage(bed.namespace,
                registry + "/library/nothing-here:1", List.of(new RegistryCredential(RealComponents.registryUser(),
                        RealComponents.registryPassword(), "")), null));

        assertEquals("ImageNotFound", e.kind());
    }

    @Test
    void aRegistryThatIsNotListeningIsUnreachable() throws Exception {
        RuntimeFailure e = assertThrows(RuntimeFailure.class, () -> bed.runtime.ensureImage(bed.namespace,
                "127.0.0.1:9/library/busybox:latest", List.of(), null));

        assertEquals("RegistryUnreachable", e.kind());
    }
}
