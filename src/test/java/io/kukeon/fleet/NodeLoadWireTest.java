package io.kukeon.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.typesafe.config.ConfigFactory;
import io.kukeon.testing.TestKeys;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A node's replicated load as Pekko's jackson-cbor writes it: with what the node holds, it still
 * reads where a member of the previous release reads it, and that member's load reads here.
 */
class NodeLoadWireTest {
    /** {@link NodeLoad} as the previous release has it, before what a node holds was replicated. */
    record PreviousNodeLoad(int cells, long cpuMillis, long memoryBytes) {}

    static ActorTestKit testKit;
    static ObjectMapper cbor;

    @BeforeAll
    static void start() {
        testKit = ActorTestKit.create("node-load-wire", TestKeys.config().withFallback(ConfigFactory.load()));
        cbor = JacksonObjectMapperProvider.get(testKit.system().classicSystem())
                .getOrCreate("jackson-cbor", Optional.of(new CBORFactory()));
    }

    @AfterAll
    static void stop() {
        testKit.shutdownTestKit();
    }

    @Test
    void theLoadWithWhatANodeHoldsRoundTripsAndReadsEitherWayAcrossReleases() throws Exception {
        NodeLoad load = new NodeLoad(2, 500, 1024, new NodeHoldings(Set.of("r/s/data"), Set.of("r/db", "r/s/t/web/key")));
        Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());
        byte[] bytes = serialization.serialize(load).get();
        assertEquals(load, serialization.deserialize(bytes, NodeLoad.class).get());

        // a member of the previous release skips what it does not know
        assertEquals(new PreviousNodeLoad(2, 500, 1024), cbor.readValue(bytes, PreviousNodeLoad.class));
        // its load reads here with what it holds not known: not weighed by placement
        NodeLoad previous = cbor.readValue(cbor.writeValueAsBytes(new PreviousNodeLoad(3, 0, 2048)), NodeLoad.class);
        assertEquals(new NodeLoad(3, 0, 2048), previous);
        assertNull(previous.holds());
    }
}
