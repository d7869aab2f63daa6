package io.kukeon.wire;

import io.kukeon.model.ContainerSecret;
import io.kukeon.model.ContainerSpec;
import io.kukeon.testing.Specs;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SpecMappingTest {

    @Test
    void containerSecretsCrossTheWireAsWritten() {
        ContainerSpec spec = Specs.container("app").secrets(ContainerSecret.fromEnv("API_TOKEN", "HOST_TOKEN", null),
                ContainerSecret.fromFile("tls.key", "/etc/kukeon/tls.key", "/run/secrets/tls.key")).build();
        assertEquals(spec, SpecMapping.fromProto(SpecMapping.toProto(spec)));
        assertEquals(2, SpecMapping.toProto(spec).getSecretsCount());
    }
}
