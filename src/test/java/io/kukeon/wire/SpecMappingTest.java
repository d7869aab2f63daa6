package io.kukeon.wire;

import io.kukeon.model.CellBlueprint;
import io.kukeon.model.CellConfig;
import io.kukeon.model.CellSpec;
import io.kukeon.model.ContainerSecret;
import io.kukeon.model.Provenance;
import io.kukeon.model.TemplateRef;
import io.kukeon.model.ContainerSecurity;
import io.kukeon.model.ContainerSpec;
import io.kukeon.testing.Specs;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

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
    void logRotationCrossesTheWireAndUnsetStaysUnset() {
        ContainerSpec set = Specs.container("app").image("busybox").logs(1048576L, 3).build();
        assertEquals(set, SpecMapping.fromProto(SpecMapping.toProto(set)));
        ContainerSpec half = Specs.container("app").image("busybox").logs(null, 7).build();
        io.kukeon.wire.v1.ContainerSpec p = SpecMapping.toProto(half);
        assertFalse(p.hasLogMaxSizeBytes());
        assertEquals(half, SpecMapping.fromProto(p));
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

    @Test
    void aCellsProvenanceAndTemplatesCrossTheWireAsWritten() {
        CellSpec made = new CellSpec(List.of(Specs.container("app").build()), null, false, null, false,
                new Provenance("blueprint", new TemplateRef("web", "r", "s", null), Map.of("A", "1"), List.of("B=2")));
        assertEquals(made, SpecMapping.fromProto(SpecMapping.toProto(made)));
        CellSpec plain = new CellSpec(List.of(Specs.container("app").build()), null, false, null);
        assertFalse(SpecMapping.toProto(plain).hasProvenance());
        assertEquals(null, SpecMapping.fromProto(SpecMapping.toProto(plain)).provenance());

        CellBlueprint blueprint = new CellBlueprint("web", List.of(new CellBlueprint.Parameter("A", "", "empty is a default"),
                new CellBlueprint.Parameter("B", null, null)), "{\"containers\": []}");
        assertEquals(blueprint, SpecMapping.fromProto(SpecMapping.toProto(blueprint)), "an empty default stays a default");
        CellConfig config = new CellConfig(new TemplateRef("web", "r", null, null), Map.of("B", "x"), List.of("C=3"));
        assertEquals(config, SpecMapping.fromProto(SpecMapping.toProto(config)));
    }
}
