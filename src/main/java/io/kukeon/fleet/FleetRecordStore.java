package io.kukeon.fleet;

import com.typesafe.config.Config;
import io.kukeon.model.FailedPreconditionException;
import io.kukeon.secrets.FileModes;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.cluster.ddata.DurableStore;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
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
    /**
     * A record file larger than this is neither written nor read (read, it is set aside as damaged).
     * A record reaches the other members whole, in one of Artery's 256 KiB frames, so one a majority
     * confirmed is far smaller; 16 MiB leaves it room many times over and bounds what a damaged file
     * can make a member read into memory.
     */
    static final int MAX_BYTES = 16 * 1024 * 1024;
    private static final String SUFFIX = ".record";
    /** A record's next version while it is written; left only by a crash before its rename, so never the record. */
    private static final String UNFINISHED = SUFFIX + ".next";
    /** Put after the name of a record file that cannot be read, then the time in epoch millis: kept for the operator. */
    static final String SET_ASIDE = ".damaged-";

    private final Path dir;
    private final Serialization serialization;

    public FleetRecordStore(Config config) {
        this.dir = Path.of(config.getString(DIR_SETTING));
        this.serialization = SerializationExtension.get(getContext().getSystem());
    }

    /** Where a member keeps the fleet's records: {@code DATA_DIR/fleet}. */
    public static Path directory(Path dataDir) {
        return dataDir.resolve("fleet");
    }

    /**
     * Makes the records' directory (root's only) when it is missing, and checks that it can be read
     * and written: a member that cannot keep what it confirms must not join.
     *
     * @throws FailedPreconditionException naming the directory and the rule, in one line
     */
    public static void prepare(Path dir) {
        try {
            FileModes.createPrivateDirectories(dir);
            if (!Files.isDirectory(dir)) {
                throw new NotDirectoryException(dir.toString());
            }
            try (Stream<Path> files = Files.list(dir)) {
                files.findAny();
            }
            if (!Files.isWritable(dir)) {
                throw new AccessDeniedException(dir.toString(), null, "not writable");
            }
        } catch (IOException e) {
            String why = Files.exists(dir) && !Files.isDirectory(dir) ? "a file is in its place"
                    : e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.toString();
            throw new FailedPreconditionException("FleetRecordsUnusable", "DATA_DIR/fleet (" + dir + ") must be a directory"
                    + " kukeond can read and write, where a fleet member keeps the fleet's records: " + why);
        }
    }

    /** Why the store stopped this kukeond: its directory became unusable after the start had checked it. */
    public record Unusable(String problem) implements CoordinatedShutdown.Reason {}

    @Override
    public Receive createReceive() {
        return receiveBuilder()
                .match(DurableStore.Store.class, this::store)
                .matchEquals(DurableStore.LoadAll$.MODULE$, all -> loadAll())
                .build();
    }

    /**
     * Hands the replicator every record that can be read. A file that cannot be is set aside: the
     * member starts without that record and gets it back from the others by gossip, as a member new
     * to the fleet does (each record was confirmed by a majority before it was acknowledged).
     */
    private void loadAll() {
        Map<String, DurableStore.DurableDataEnvelope> loaded = new HashMap<>();
        try {
            prepare(dir);
            List<Path> listed;
            try (Stream<Path> files = Files.list(dir)) {
                listed = files.toList();
            }
            for (Path file : listed) {
                String name = file.getFileName().toString();
                if (name.endsWith(UNFINISHED)) {
                    Files.deleteIfExists(file);
                } else if (name.endsWith(SUFFIX)) {
                    DurableStore.DurableDataEnvelope record = readOrSetAside(file);
                    if (record != null) {
                        loaded.put(name.substring(0, name.length() - SUFFIX.length()), record);
                    }
                }
            }
        } catch (IOException | UncheckedIOException | FailedPreconditionException e) {
            // Told the replicator (LoadFailed), this would stop it, and the member would run on without the fleet's records.
            String problem = e instanceof FailedPreconditionException ? e.getMessage()
                    : "the fleet's records in DATA_DIR/fleet (" + dir + ") cannot be read: " + e;
            getContext().getSystem().log().error("{}", problem);
            CoordinatedShutdown.get(getContext().getSystem()).run(new Unusable(problem));
            return;
        }
        if (!loaded.isEmpty()) {
            getSender().tell(new DurableStore.LoadData(scala.collection.immutable.Map.from(
                    scala.jdk.javaapi.CollectionConverters.asScala(loaded))), getSelf());
        }
        getSender().tell(DurableStore.LoadAllCompleted$.MODULE$, getSelf());
    }

    /** The record in {@code file}, or null when it cannot be read: the file is then renamed, never deleted. */
    private DurableStore.DurableDataEnvelope readOrSetAside(Path file) throws IOException {
        try {
            return read(file);
        } catch (IOException | RuntimeException damaged) {
            Path aside = file.resolveSibling(file.getFileName() + SET_ASIDE + System.currentTimeMillis());
            Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);   // a failure here is the directory's: the catch above
            syncDirectory();
            getContext().getSystem().log().warning("the fleet's record file {} cannot be read ({}); it is kept as {} and this"
                    + " member reads the record back from the other members", file,
                    damaged instanceof EOFException ? "it ends too soon"
                            : damaged.getMessage() != null ? damaged.getMessage() : damaged.getClass().getSimpleName(),
                    aside.getFileName());
            return null;
        }
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
        long size = Files.size(file);
        if (size > MAX_BYTES) {   // never read into memory
            throw new IOException("it is " + size + " bytes; a record file is at most " + MAX_BYTES);
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
        org.apache.pekko.serialization.Serializer serializer = serialization.findSerializerFor(data);
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(bytes.length + 64);
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            out.writeInt(serializer.identifier());
            out.writeUTF(Serializers.manifestFor(serializer, data));
            out.write(bytes);
        }
        if (buffer.size() > MAX_BYTES) {
            throw new IOException("the record is " + buffer.size() + " bytes; at most " + MAX_BYTES);
        }
        FileModes.createPrivateDirectories(dir);
        Path target = dir.resolve(key + SUFFIX);
        Path next = dir.resolve(key + UNFINISHED);
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
        syncDirectory();
    }

    private void syncDirectory() throws IOException {
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        }
    }
}
