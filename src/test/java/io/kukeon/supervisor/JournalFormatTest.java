package io.kukeon.supervisor;

import com.typesafe.config.ConfigFactory;
import io.kukeon.model.CellSpec;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.GroupStatus;
import io.kukeon.model.RegistryCredential;
import io.kukeon.model.Resources;
import io.kukeon.model.RestartPolicy;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The journal's format is a contract: every event and every snapshot state of every level goes
 * through Jackson CBOR and comes back equal. The types are found from the sealed interfaces, so
 * a new event cannot be added without being covered here.
 */
class JournalFormatTest {
    static ActorTestKit testKit;
    static Serialization serialization;

    @BeforeAll
    static void start() {
        testKit = ActorTestKit.create("journal-format", ConfigFactory.parseString("""
                pekko.actor.serialization-bindings { "io.kukeon.supervisor.CborSerializable" = jackson-cbor }
                """).withFallback(ConfigFactory.load()));
        serialization = SerializationExtension.get(testKit.system().classicSystem());
    }

    @AfterAll
    static void stop() {
        testKit.shutdownTestKit();
    }

    static List<Class<?>> journalTypes() {
        List<Class<?>> types = new ArrayList<>();
        for (Class<?> events : List.of(HostSupervisor.Event.class, ScopeActor.Event.class, CellActor.Event.class,
                ContainerActor.Event.class)) {
            types.addAll(List.of(events.getPermittedSubclasses()));
        }
        types.addAll(List.of(HostSupervisor.State.class, ScopeActor.State.class, CellActor.State.class,
                ContainerActor.State.class, ScopeSpec.class));
        return types;
    }

    @Test
    void everyEventAndSnapshotRoundTripsThroughJacksonCbor() throws Exception {
        List<Class<?>> types = journalTypes();
        assertTrue(types.size() > 30, "found the event types: " + types.size());
        for (Class<?> type : types) {
            Object original = sample(type);
            byte[] bytes = serialization.serialize(original).get();
            Serializer serializer = serialization.findSerializerFor(original);
            assertEquals("org.apache.pekko.serialization.jackson.JacksonCborSerializer", serializer.getClass().getName(),
                    type + " must be bound to jackson-cbor");
            Object back = serialization.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, original)).get();
            assertEquals(original, back, type.getName());
        }
    }

    @Test
    void passwordsAreNotInAnEventsSummary() {
        ScopeActor.Created created = new ScopeActor.Created(sampleScopeSpec(), Map.of(), Instant.EPOCH);
        assertTrue(!created.summary().contains("s3cret"));
        assertTrue(!sampleScopeSpec().toString().contains("s3cret"), "toString of credentials is redacted");
    }

    static Object sample(Class<?> type) throws Exception {
        RecordComponent[] components = type.getRecordComponents();
        Object[] args = new Object[components.length];
        Class<?>[] classes = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            classes[i] = components[i].getType();
            args[i] = value(components[i].getGenericType());
        }
        return type.getDeclaredConstructor(classes).newInstance(args);
    }

    static Object value(Type t) {
        if (t instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            Type arg = p.getActualTypeArguments()[0];
            if (raw == Map.class) {
                return Map.of("network", "/proc/1/ns/net");
            }
            if (raw == Set.class) {
                return Set.of("a", "b");
            }
            if (raw == List.class) {
                return List.of(value(arg));
            }
        }
        Class<?> c = (Class<?>) t;
        if (c == String.class) return "text";
        if (c == int.class || c == Integer.class) return 7;
        if (c == long.class || c == Long.class) return 9L;
        if (c == boolean.class || c == Boolean.class) return true;
        if (c == Instant.class) return Instant.parse("2026-11-29T10:00:00.123Z");
        if (c.isEnum()) return c.getEnumConstants()[c.getEnumConstants().length - 1];
        if (c == ContainerSpec.class) return sampleContainer();
        if (c == CellSpec.class) return new CellSpec(List.of(sampleContainer()), null, true, sampleResources()).normalized();
        if (c == ScopeSpec.class) return sampleScopeSpec();
        if (c == GroupStatus.class) return new GroupStatus("/kukeon/r", true, List.of("cpu", "memory"),
                List.of(new GroupStatus.NotApplied("memory.min", "cgroup v1 has no memory.min")),
                new GroupStatus.Usage(1L, 2L, 3L, 0L));
        if (c == Resources.class) return sampleResources();
        if (c == RegistryCredential.class) return new RegistryCredential("alice", "s3cret", "127.0.0.1:5000");
        throw new IllegalArgumentException("no sample for " + t + ": add one");
    }

    static ContainerSpec sampleContainer() {
        return new ContainerSpec("web", false, "busybox", "/bin/sh", List.of("-c", "echo hi"), List.of("A=B"), "/",
                "1000:1000", RestartPolicy.ON_FAILURE, 2, 3, sampleResources());
    }

    static Resources sampleResources() {
        return new Resources(64L << 20, 512L, 64L, new Resources.Cpu(100L, 50_000L, 100_000L, "0-1", "0"),
                new Resources.Memory(1L << 20, 2L << 20, 32L << 20, 64L << 20, 0L),
                new Resources.Io(100L, List.of(new Resources.IoLimit("8:0", 1L << 20, null, 100L, null))),
                new Resources.Pids(64L));
    }

    static ScopeSpec sampleScopeSpec() {
        return new ScopeSpec("custom.kukeon.io", List.of(new RegistryCredential("alice", "s3cret", "127.0.0.1:5000")),
                sampleResources());
    }
}
