package io.kukeon.runtime.registry;

import io.kukeon.model.InvalidArgumentException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageReferenceTest {
    private static final String DIGEST = "sha256:4988a28d17efbab749e403be3077c39d885368ceabacbb64f16a4bd9fe6f8ff5";

    @ParameterizedTest
    @CsvSource({
            "debian:latest, docker.io/library/debian:latest",
            "alpine, docker.io/library/alpine:latest",
            "user/image:tag, docker.io/user/image:tag",
            "docker.io/library/debian:latest, docker.io/library/debian:latest",
            "ghcr.io/eminwux/kukeon:v1.2, ghcr.io/eminwux/kukeon:v1.2",
            "quay.io/org/sub/app, quay.io/org/sub/app:latest",
            "index.docker.io/library/busybox, docker.io/library/busybox:latest",
            "docker.io/busybox, docker.io/library/busybox:latest",
            "localhost/app, localhost/app:latest",
            "localhost:5000/app:1, localhost:5000/app:1",
            "127.0.0.1:5077/library/busybox:latest, 127.0.0.1:5077/library/busybox:latest",
            "registry.example.com:443/team/app, registry.example.com:443/team/app:latest",
    })
    void normalizesLikeDockersDistribution(String input, String expected) {
        assertEquals(expected, ImageReference.normalize(input));
    }

    @Test
    void keepsADigestAndAddsNoTagToIt() {
        assertEquals("docker.io/library/busybox@" + DIGEST, ImageReference.normalize("busybox@" + DIGEST));
        assertEquals("127.0.0.1:5000/app:1@" + DIGEST, ImageReference.normalize("127.0.0.1:5000/app:1@" + DIGEST));
        ImageReference r = ImageReference.parse("127.0.0.1:5000/app@" + DIGEST);
        assertEquals("127.0.0.1:5000", r.domain());
        assertEquals("app", r.repository());
        assertNull(r.tag());
        assertEquals(DIGEST, r.manifestReference());
    }

    @Test
    void dockerHubIsReachedThroughItsApiHost() {
        assertEquals("registry-1.docker.io", ImageReference.parse("busybox").apiHost());
        assertEquals("127.0.0.1:5000", ImageReference.parse("127.0.0.1:5000/app").apiHost());
        assertEquals("latest", ImageReference.parse("busybox").manifestReference());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "Busybox", "busybox:", "busybox@sha256:xyz", "a//b", "host:port:x/app",
            "busy box", "-app", "app:tag with space"})
    void rejectsMalformedReferencesWithAClearError(String bad) {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> ImageReference.normalize(bad));
        assertTrue(e.getMessage().startsWith("image: "), e.getMessage());
    }

    @Test
    void saysWhyAnUpperCaseNameIsRefused() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> ImageReference.normalize("User/App"));
        assertTrue(e.getMessage().contains("lower case"), e.getMessage());
    }
}
