package io.kukeon.wire;

import io.kukeon.model.ContainerSecret;
import io.kukeon.model.ContainerSecurity;
import io.kukeon.model.ContainerSpec;
import io.kukeon.testing.Specs;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class SpecMappingTest {
    private static ContainerSpec with(ContainerSecurity security) {
        return Specs.container("app").image("busybox").security(security).build();
    }

    @Test
    void containerSecretsCrossTheWireAsWritten() {
        ContainerSpec spec = Specs.container("app").secrets(ContainerSecret.fromEnv("API_TOKEN", "HOST_TOKEN", null),
                ContainerSecret.fromFile("tls.key", "/etc/kukeon/tls.key", "/run/secrets/tls.key")).build();
        assertEquals(spec, SpecMapping.fromProto(SpecMapping.toProto(spec)));
        assertEquals(2, SpecMapping.toProto(spec).getSecretsCount());
    }

    @Test
    void everySecurityFieldSurvivesTheWire() {
        ContainerSpec c = with(new ContainerSecurity(true, new ContainerSecurity.Capabilities(List.of("net_admin"),
                List.of("ALL")), true, List.of("no-new-privileges=false", "seccomp=/etc/p.json"), List.of("/dev/fuse"), true,
                true));
        io.kukeon.wire.v1.ContainerSpec p = SpecMapping.toProto(c);
        assertEquals(List.of("CAP_NET_ADMIN"), p.getCapabilities().getAddList());
        assertEquals(c, SpecMapping.fromProto(p));
    }

    @Test
    void theDefaultsSendNoSecurityField() {
        io.kukeon.wire.v1.ContainerSpec p = SpecMapping.toProto(with(ContainerSecurity.NONE));
        assertFalse(p.hasCapabilities());
        assertFalse(p.getPrivileged() || p.getReadOnlyRootFilesystem() || p.getHostPid() || p.getHostCgroup());
        assertEquals(0, p.getSecurityOptsCount() + p.getDevicesCount());
        assertEquals(ContainerSecurity.NONE, SpecMapping.fromProto(p).security());
    }
}
