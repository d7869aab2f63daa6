package io.kukeon.supervisor.journal;

import io.kukeon.testing.Specs;
import io.kukeon.testing.TestKeys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.typesafe.config.ConfigFactory;
import io.kukeon.model.CellSpec;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.EgressPolicy;
import io.kukeon.model.GroupStatus;
import io.kukeon.model.RegistryCredential;
import io.kukeon.model.Resources;
import io.kukeon.model.RestartPolicy;
import io.kukeon.model.SecretData;
import io.kukeon.supervisor.JournalName;
import io.kukeon.supervisor.Journaled;
import io.kukeon.supervisor.scope.ScopeEvent;
import io.kukeon.supervisor.scope.ScopeRecord;
import io.kukeon.supervisor.scope.ScopeSpec;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonMigration;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The journal's format is a contract: every event and snapshot record of every level is written
 * under its stable name through the journal serializer and comes back equal; the names are the
 * ones released before (a fixed list); a changed shape is read through its migration.
 */
class JournalFormatTest {
    static ActorTestKit testKit;
    static Serialization serialization;

    @BeforeAll
    static void start() {
        testKit = ActorTestKit.create("journal-format", TestKeys.config().withFallback(ConfigFactory.load()));
        serialization = SerializationExtension.get(testKit.system().classicSystem());
    }

    @AfterAll
    static void stop() {
        testKit.shutdownTestKit();
    }

    @Test
    void everyJournalTypeRoundTripsUnderItsStableName() throws Exception {
        List<JournalTypes.Entry> entries = JournalTypes.TREE.entries();
        assertTrue(entries.size() > 30, "found the journal types: " + entries.size());
        for (JournalTypes.Entry entry : entries) {
            Object original = sample(entry.type());
            Serializer serializer = serialization.findSerializerFor(original);
            assertEquals(JournalSerializer.class, serializer.getClass(), entry.type() + " must be bound to the journal serializer");
            assertEquals(JournalSerializer.IDENTIFIER, serializer.identifier());
            String manifest = Serializers.manifestFor(serializer, original);
            String versioned = entry.version() == 1 ? entry.name() : entry.name() + "#" + entry.version();
            assertEquals(versioned, manifest, "the manifest is the stable name (and version), not the class");
            byte[] bytes = serialization.serialize(original).get();
            Object back = serialization.deserialize(bytes, serializer.identifier(), manifest).get();
            assertEquals(original, back, entry.name());
        }
    }

    /** Names already written to users' journals: one may be added, none renamed or removed. */
    @Test
    void theNamesAreTheReleasedOnes() throws IOException {
        Set<String> released = new TreeSet<>();
        try (InputStream in = getClass().getResourceAsStream("/journal-names.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    released.add(line.trim());
                }
            }
        }
        Set<String> now = new TreeSet<>();
        JournalTypes.TREE.entries().forEach(e -> now.add(e.name()));
        Set<String> missing = new TreeSet<>(released);
        missing.removeAll(now);
        assertEquals(Set.of(), missing, "released journal names no type reads any more");
        Set<String> added = new TreeSet<>(now);
        added.removeAll(released);
        assertEquals(Set.of(), added, "new journal names: add them to src/test/resources/journal-names.txt");
    }

    @Test
    void everyClassNameOfTheJournalsBeforeHasAReaderAndAMigration() {
        var migrations = LegacyJournal.config().getConfig("pekko.serialization.jackson.migrations").root().keySet();
        assertEquals(migrations, LegacyJournal.RENAMED.keySet());
        for (JournalTypes.Entry entry : JournalTypes.TREE.entries()) {
            assertTrue(LegacyJournal.RENAMED.containsValue(entry.type()), entry.name() + " has an old name");
        }
        assertEquals(JournalTypes.TREE.entries().size(), LegacyJournal.RENAMED.size(), "one old name per type");
    }

    @Test
    void passwordsAreNotInAnEventsSummary() {
        ScopeEvent.Created created = new ScopeEvent.Created(sampleScopeSpec(), Map.of(), Map.of(), Instant.EPOCH);
        assertFalse(created.summary().contains("s3cret"));
        assertFalse(sampleScopeSpec().toString().contains("s3cret"), "toString of credentials is redacted");
    }

    @Test
    void passwordsAreWrittenSealedEachUnderItsOwnNonce() throws Exception {
        ScopeEvent.Created created = new ScopeEvent.Created(sampleScopeSpec(), Map.of(), Map.of(), Instant.EPOCH);
        byte[] first = serialization.serialize(created).get();
        byte[] second = serialization.serialize(created).get();
        assertFalse(contains(first, "s3cret"), "no cleartext password in the journal");
        assertFalse(java.util.Arrays.equals(first, second), "a new nonce, so a new ciphertext, for each write");
        JsonNode written = plainCbor().readTree(first).at("/spec/registryCredentials/0");
        assertTrue(written.get("sealedPassword").get("ciphertext").isBinary(), written.toString());
        assertFalse(written.has("password"), written.toString());
        assertEquals(created, serialization.deserialize(first, JournalSerializer.IDENTIFIER, "scope.Created#2").get());
    }

    @Test
    void secretValuesAreWrittenSealedInEventsAndSnapshots() throws Exception {
        SecretData data = new SecretData("the-value-0815");
        ScopeEvent.SecretPut put = new ScopeEvent.SecretPut("db", data, Instant.EPOCH);
        assertFalse(put.summary().contains("the-value-0815") || data.toString().contains("the-value-0815"));
        byte[] event = serialization.serialize(put).get();
        assertFalse(contains(event, "the-value-0815"), "no cleartext value in the event");
        assertTrue(plainCbor().readTree(event).at("/data/sealed/ciphertext").isBinary());
        assertEquals(put, serialization.deserialize(event, JournalSerializer.IDENTIFIER, "scope.SecretPut").get());

        ScopeRecord record = ScopeRecord.empty().apply(put);
        byte[] snapshot = serialization.serialize(record).get();
        assertFalse(contains(snapshot, "the-value-0815"), "no cleartext value in the snapshot");
        assertEquals(record, serialization.deserialize(snapshot, JournalSerializer.IDENTIFIER, "scope.Record#2").get());
    }

    /** A scope's snapshot written before Volumes had none: it reads back with none, and takes a volume after. */
    @Test
    void aSnapshotWrittenBeforeVolumesReadsWithNone() throws Exception {
        ScopeRecord record = ScopeRecord.empty().apply(new ScopeEvent.Created(sampleScopeSpec(), Map.of(), Map.of(), Instant.EPOCH));
        ObjectNode json = plainCbor().valueToTree(record);
        json.remove("volumes");
        Object back = serialization.deserialize(plainCbor().writeValueAsBytes(json), JournalSerializer.IDENTIFIER,
                "scope.Record#2").get();
        assertEquals(record, back);
        ScopeRecord withVolume = ((ScopeRecord) back).apply(new ScopeEvent.VolumePut("data",
                io.kukeon.model.ReclaimPolicy.Retain, Instant.EPOCH));
        assertEquals(io.kukeon.model.ReclaimPolicy.Retain, withVolume.volumes().get("data").reclaimPolicy());
        assertEquals(withVolume, serialization.deserialize(serialization.serialize(withVolume).get(),
                JournalSerializer.IDENTIFIER, "scope.Record#2").get());
    }

    /** What kukeond wrote before sealing (the same codec, version 1): the password in clear. */
    @Test
    void cleartextCredentialsOfVersion1StillReplay() throws Exception {
        ScopeSpec spec = sampleScopeSpec();
        ScopeEvent.Created created = new ScopeEvent.Created(spec, Map.of("a", "b"), Map.of(), Instant.EPOCH);
        ScopeEvent.Updated updated = new ScopeEvent.Updated(spec, Map.of(), Map.of(), 4, Instant.EPOCH);
        ScopeRecord record = ScopeRecord.empty().apply(created);
        for (Object old : List.of(created, updated, record)) {
            byte[] v1 = plainCbor().writeValueAsBytes(old);
            assertTrue(contains(v1, "s3cret"), "the version-1 sample holds the cleartext password");
            String manifest = JournalTypes.TREE.of((Journaled) old).name();
            assertEquals(old, serialization.deserialize(v1, JournalSerializer.IDENTIFIER, manifest).get(), manifest);
        }
    }

    /** A space journaled before egress policies existed had none: it reads back as allow-all, what it had. */
    @Test
    void aScopeSpecWrittenBeforeEgressReadsAsAllowAll() throws Exception {
        ScopeEvent.Created created = new ScopeEvent.Created(new ScopeSpec(null, List.of(), sampleResources()), Map.of(), Map.of(),
                Instant.EPOCH);
        ObjectNode json = plainCbor().valueToTree(created);
        ((ObjectNode) json.get("spec")).remove("egress");
        String manifest = Serializers.manifestFor(serialization.findSerializerFor(created), created);

        Object back = serialization.deserialize(plainCbor().writeValueAsBytes(json), JournalSerializer.IDENTIFIER, manifest).get();

        assertEquals(EgressPolicy.ALLOW_ALL, ((ScopeEvent.Created) back).spec().egress());
        assertEquals(created, back);
    }

    /** Objects journaled before annotations existed had none: their events read back with none. */
    @Test
    void eventsWrittenBeforeAnnotationsReadWithNone() throws Exception {
        ScopeEvent.Updated updated = new ScopeEvent.Updated(sampleScopeSpec(), Map.of("a", "b"), Map.of(), 2, Instant.EPOCH);
        ObjectNode json = plainCbor().valueToTree(updated);
        json.remove("annotations");
        String manifest = Serializers.manifestFor(serialization.findSerializerFor(updated), updated);

        Object back = serialization.deserialize(plainCbor().writeValueAsBytes(json), JournalSerializer.IDENTIFIER, manifest).get();

        assertEquals(updated, back);
        assertEquals(Map.of(), ScopeRecord.empty().apply(updated).apply((ScopeEvent) back).annotations());
    }

    private static ObjectMapper plainCbor() {
        return JacksonObjectMapperProvider.get(testKit.system().classicSystem())
                .getOrCreate("jackson-cbor", Optional.of(new CBORFactory()));
    }

    private static boolean contains(byte[] bytes, String text) {
        return new String(bytes, StandardCharsets.ISO_8859_1).contains(text);
    }

    // ---- versions and migrations, with a type of the test's own ----

    @JournalName(value = "test.Resized", version = 2)
    record Resized(String name, long bytes) implements Journaled {}

    /** Version 1 had the size in KiB under "kib". */
    public static final class ResizedMigration extends JacksonMigration {
        @Override
        public int currentVersion() {
            return 2;
        }

        @Override
        public JsonNode transform(int fromVersion, JsonNode json) {
            ObjectNode o = (ObjectNode) json;
            o.put("bytes", o.remove("kib").asLong() * 1024);
            return o;
        }
    }

    @Test
    void aChangedShapeIsWrittenWithItsVersionAndOlderDataIsMigrated() throws Exception {
        ObjectMapper mapper = JacksonObjectMapperProvider.get(testKit.system().classicSystem())
                .getOrCreate("jackson-cbor", Optional.of(new CBORFactory()));
        JournalCodec codec = new JournalCodec(new JournalTypes(List.of(Resized.class),
                Map.of(Resized.class, new ResizedMigration())), mapper);
        Resized now = new Resized("disk", 4096);
        assertEquals("test.Resized#2", codec.manifest(now));
        assertEquals(now, codec.fromBinary(codec.toBinary(now), "test.Resized#2"));
        byte[] old = mapper.writeValueAsBytes(Map.of("name", "disk", "kib", 4));
        assertEquals(now, codec.fromBinary(old, "test.Resized"), "version 1 goes through the migration");
        assertTrue(assertThrowsMessage(() -> codec.fromBinary(old, "test.Resized#3")).contains("newer kukeond"));
        assertTrue(assertThrowsMessage(() -> codec.fromBinary(old, "test.Unknown")).contains("does not know"));
    }

    private static String assertThrowsMessage(ThrowingCall call) {
        try {
            call.run();
        } catch (Exception e) {
            return e.getMessage();
        }
        throw new AssertionError("no failure");
    }

    private interface ThrowingCall {
        void run() throws Exception;
    }

    // ---- samples: every component set, so that a field the serializer drops is noticed ----

    static Object sample(Class<?> type) throws Exception {
        RecordComponent[] components = type.getRecordComponents();
        Object[] args = new Object[components.length];
        Class<?>[] classes = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            classes[i] = components[i].getType();
            args[i] = value(components[i].getGenericType());
        }
        var constructor = type.getDeclaredConstructor(classes);
        constructor.setAccessible(true);
        return constructor.newInstance(args);
    }

    static Object value(Type t) throws Exception {
        if (t instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            Type arg = p.getActualTypeArguments()[0];
            if (raw == Map.class) {
                Type valueType = p.getActualTypeArguments()[1];
                return Map.of("network", valueType == String.class ? "/proc/1/ns/net" : value(valueType));
            }
            if (raw == Set.class) {
                return Set.of("a", "b");
            }
            if (raw == List.class) {
                List<Object> one = new ArrayList<>();
                one.add(value(arg));
                return one;
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
        if (c.isRecord()) return sample(c);
        throw new IllegalArgumentException("no sample for " + t + ": add one");
    }

    static ContainerSpec sampleContainer() {
        return Specs.container("web").command("/bin/sh").args("-c", "echo hi").env("A=B").workingDir("/")
                .user("1000:1000").restart(RestartPolicy.ON_FAILURE).backoffSeconds(2).maxRetries(3)
                .resources(sampleResources()).build();
    }

    static Resources sampleResources() {
        return new Resources(64L << 20, 512L, 64L, new Resources.Cpu(100L, 50_000L, 100_000L, "0-1", "0"),
                new Resources.Memory(1L << 20, 2L << 20, 32L << 20, 64L << 20, 0L),
                new Resources.Io(100L, List.of(new Resources.IoLimit("8:0", 1L << 20, null, 100L, null))),
                new Resources.Pids(64L));
    }

    static ScopeSpec sampleScopeSpec() {
        return new ScopeSpec("custom.kukeon.io", List.of(new RegistryCredential("alice", "s3cret", "127.0.0.1:5000")),
                sampleResources(), new EgressPolicy(EgressPolicy.Default.DENY, List.of(
                        EgressPolicy.Target.cidr("10.20.0.0/16", 443, 8443), EgressPolicy.Target.host("api.example.com"))),
                "/etc/cni/net.d/web.conflist", new io.kukeon.model.ContainerDefaults("1000:1000", true,
                        new io.kukeon.model.ContainerSecurity.Capabilities(List.of("NET_BIND_SERVICE"), List.of("ALL")),
                        List.of("no-new-privileges"), List.of(new io.kukeon.model.TmpfsMount("/tmp", 1L << 20, List.of("noexec"))),
                        sampleResources()));
    }
}
