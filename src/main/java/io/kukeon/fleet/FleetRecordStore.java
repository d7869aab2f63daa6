package io.kukeon.fleet;

import com.typesafe.config.Config;
import io.kukeon.secrets.FileModes;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.cluster.ddata.DurableStore;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Keeps the fleet's records that no node's tree holds ({@link CellDirectory#DURABLE}) on this
 * member's disk, as Pekko Distributed Data's durable store: one file per record under the data
 * directory (root's only), replaced whole, synced before the replicator is told it is stored. A member that
 * starts reads them before it answers for any of them, so a fleet restarted whole still knows
 * what moved and what waits for a node. (Pekko's own store needs LMDB, a native library and a
 * JVM opened to reflection; these records are a few kilobytes.)
 */
public final class FleetRecordStore extends AbstractActor {
    /** The setting, in {@code pekko.cluster.distributed-data.durable}, that names the directory. */
    static final String DIR_SETTING = "kukeon-dir";
    /** A record larger than this is refused (the update fails): what the fleet keeps there is small. */
    static final int MAX_BYTES = 32 * 1024 * 1024;
    private static final String SUFFIX = ".record";

    private final Path dir;
    private final Serialization serialization;

    public FleetRecordStore(Config config) {
        this.dir = Path.of(config.getString(DIR_SETTING));
        this.serialization = SerializationExtension.get(getContext().getSystem());
    }

    @Override
    public Receive createReceive() {
        return receiveBuilder()
                .match(DurableStore.Store.class, this::store)
                .matchEquals(DurableStore.LoadAll$.MODULE$, all -> loadAll())
                .build();
    }

    private void loadAll() {
        Map<String, DurableStore.DurableDataEnvelope> loaded = new HashMap<>();
        try {
            FileModes.createPrivateDirectories(dir);
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.filter(f -> f.getFileName().toString().endsWith(SUFFIX)).toList()) {
                    String name = file.getFileName().toString();
                    loaded.put(name.substring(0, name.length() - SUFFIX.length()), read(file));
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new DurableStore.LoadFailed("the fleet's records in " + dir + " could not be read: " + e.getMessage(), e);
        }
        if (!loaded.isEmpty()) {
            getSender().tell(new DurableStore.LoadData(scala.collection.immutable.Map.from(
                    scala.jdk.javaapi.CollectionConverters.asScala(loaded))), getSelf());
        }
        getSender().tell(DurableStore.LoadAllCompleted$.MODULE$, getSelf());
    }

    private void store(DurableStore.Store store) {
        boolean stored;
        try {
            write(store.key(), store.data());
            stored = true;
        } catch (IOException | RuntimeException e) {
            getContext().getSystem().log().warning("the fleet's record {} could not be written to {}: {}", store.key(), dir,
                    e.getMessage());
            stored = false;
        }
        if (store.reply().isDefined()) {
            DurableStore.StoreReply reply = store.reply().get();
            reply.replyTo().tell(stored ? reply.successMsg() : reply.failureMsg(), getSelf());
        }
    }

    private DurableStore.DurableDataEnvelope read(Path file) throws IOException {
        if (Files.size(file) > MAX_BYTES + 1024) {
            throw new IOException(file + " is larger than " + MAX_BYTES + " bytes");
        }
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            int serializer = in.readInt();
            String manifest = in.readUTF();
            byte[] bytes = in.readAllBytes();
            return (DurableStore.DurableDataEnvelope) serialization.deserialize(bytes, serializer, manifest).get();
        }
    }

    /** Writes the record beside its file, syncs it, then puts it in its place and syncs the directory. */
    private void write(String key, DurableStore.DurableDataEnvelope data) throws IOException {
        if (!key.matches("[A-Za-z0-9._-]+")) {
            throw new IOException("the record's key \"" + key + "\" is not a file name");
        }
        byte[] bytes = serialization.serialize(data).get();
        if (bytes.length > MAX_BYTES) {
            throw new IOException("the record is " + bytes.length + " bytes; at most " + MAX_BYTES);
        }
        org.apache.pekko.serialization.Serializer serializer = serialization.findSerializerFor(data);
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(bytes.length + 64);
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            out.writeInt(serializer.identifier());
            out.writeUTF(Serializers.manifestFor(serializer, data));
            out.write(bytes);
        }
        FileModes.createPrivateDirectories(dir);
        Path target = dir.resolve(key + SUFFIX);
        Path next = dir.resolve(key + SUFFIX + ".next");
        Files.deleteIfExists(next);
        try (FileChannel channel = FileChannel.open(next, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                FileModes.privateFile())) {   // cells' manifests: root's only, as the journal
            ByteBuffer all = ByteBuffer.wrap(buffer.toByteArray());
            while (all.hasRemaining()) {
                channel.write(all);
            }
            channel.force(true);
        }
        Files.move(next, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        }
    }
}
