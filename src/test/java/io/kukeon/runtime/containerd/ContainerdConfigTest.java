package io.kukeon.runtime.containerd;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContainerdConfigTest {
    @Test
    void loopbackRegistriesAreInsecureByDefaultWhateverThePort() {
        ContainerdConfig c = ContainerdConfig.defaults();
        assertTrue(c.isInsecure("127.0.0.1:5000"));
        assertTrue(c.isInsecure("localhost"));
        assertFalse(c.isInsecure("docker.io"));
        assertFalse(c.isInsecure("127.0.0.2:5000"));
    }

    @Test
    void theInsecureSetIsConfigurableByHostOrHostAndPort() {
        ContainerdConfig c = ContainerdConfig.defaults().withInsecureRegistries(Set.of("Registry.Lan", "10.0.0.5:5000"));
        assertTrue(c.isInsecure("registry.lan:443"));
        assertTrue(c.isInsecure("10.0.0.5:5000"));
        assertFalse(c.isInsecure("10.0.0.5:5001"));
        assertFalse(c.isInsecure("127.0.0.1:5000"), "the defaults are replaced, not added to");
    }

    @Test
    void badValuesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ContainerdConfig.defaults().withSnapshotter("../x"));
        ContainerdConfig d = ContainerdConfig.defaults();
        assertThrows(IllegalArgumentException.class, () -> new ContainerdConfig("overlayfs", null, Duration.ZERO,
                d.healthTimeout(), d.pullTimeout(), d.killGrace(), d.reconnectMin(), d.reconnectMax(),
                d.registryConnectTimeout(), d.registryStallTimeout(), d.logger(), d.attachDir()));
    }
}
