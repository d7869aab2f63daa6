package io.kukeon.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.kukeon.testing.Specs;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A container's mounts are journaled with its spec (Jackson CBOR of the record). */
class ContainerMountsJournalTest {
    /** As Pekko's jackson-cbor reads: unknown properties (derived getters such as Resources.isEmpty) ignored. */
    private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @Test
    void mountsSurviveJacksonCbor() throws Exception {
        ContainerSpec spec = Specs.container("app").volumes(VolumeMount.bind("/srv/data", "/data", true, true),
                VolumeMount.tmpfs("/scratch", 4096L, 0700))
                .tmpfs(new TmpfsMount("/tmp", 8192L, List.of("noexec", "mode=1777"))).build();
        assertEquals(spec, CBOR.readValue(CBOR.writeValueAsBytes(spec), ContainerSpec.class));
    }

    @Test
    void aSpecJournaledBeforeMountsReadsWithNone() throws Exception {
        ObjectNode old = CBOR.valueToTree(Specs.container("app").build());
        old.remove(List.of("volumes", "tmpfs"));
        ContainerSpec read = CBOR.readValue(CBOR.writeValueAsBytes(old), ContainerSpec.class);
        assertEquals(List.of(), read.volumes());
        assertEquals(List.of(), read.tmpfs());
        assertEquals(Specs.container("app").build(), read);
    }
}
