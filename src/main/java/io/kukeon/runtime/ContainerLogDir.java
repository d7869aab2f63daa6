package io.kukeon.runtime;

import io.kukeon.secrets.FileModes;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The files of one container's log, in its own directory (container names may hold dots, so runs
 * are told apart by file names inside it, never by siblings): {@code current.log} and its rotated
 * {@code current.log.1}, {@code .2}, … (higher is older) for the task that runs or ran last, and
 * {@code previous.log*} for the run before it. A container of a release before these directories
 * still writes {@code <container>.log} beside the directory (plain text) until its task restarts.
 *
 * <p>A reader of a run to its end ({@code kuke run}) holds the directory with a marker file while it
 * reads, so that the delete of an auto-deleted cell, which may come before the reader has opened
 * the run's files, waits for it: the delete marks the directory deleted and the last reader
 * removes it. Markers are kukeond's own; at its start none is held ({@link #sweep}).
 */
public record ContainerLogDir(Path directory) {
    public static final String CURRENT = "current.log";
    public static final String PREVIOUS = "previous.log";
    /** Made by the logger once the run's output reached its end and is all in the log. */
    public static final String ENDED = CURRENT + ".ended";
    private static final String DELETED = ".deleted";
    private static final String READER = ".reader-";
    /** Depth of a container's directory under the log root: realm/space/stack/cell/container. */
    private static final int DEPTH = 5;

    public Path current() {
        return directory.resolve(CURRENT);
    }

    /** The plain-text log of a task started by the previous release, beside the directory. */
    public Path legacy() {
        return directory.resolveSibling(directory.getFileName() + ".log");
    }

    /**
     * The files of one run, oldest first: {@code base.N} … {@code base.1}, {@code base}; for the
     * current run the legacy file comes first (while it is there, its task is the one that runs).
     */
    public List<Path> run(boolean previous) throws IOException {
        String base = previous ? PREVIOUS : CURRENT;
        List<Path> files = new ArrayList<>();
        if (!previous && Files.exists(legacy())) {
            files.add(legacy());
        }
        rotated(base).descendingMap().values().forEach(files::add);
        if (Files.exists(directory.resolve(base))) {
            files.add(directory.resolve(base));
        }
        return files;
    }

    /** {@code base.N} files by N. */
    public TreeMap<Integer, Path> rotated(String base) throws IOException {
        TreeMap<Integer, Path> byNumber = new TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, base + ".*")) {
            for (Path p : entries) {
                String suffix = p.getFileName().toString().substring(base.length() + 1);
                if (suffix.matches("[1-9][0-9]{0,3}")) {
                    byNumber.put(Integer.parseInt(suffix), p);
                }
            }
        } catch (NoSuchFileException e) {
            // no directory yet: no files
        }
        return byNumber;
    }

    /**
     * Before a new task's logger starts: the last run's files become the previous run's (the older
     * previous run is removed), and so does a legacy file.
     */
    public void keepLastRunAsPrevious() throws IOException {
        Files.deleteIfExists(directory.resolve(ENDED));
        Files.deleteIfExists(directory.resolve(DELETED));   // a cell made again under the name of a deleted one
        for (Path old : rotated(PREVIOUS).values()) {
            Files.deleteIfExists(old);
        }
        Files.deleteIfExists(directory.resolve(PREVIOUS));
        if (Files.exists(legacy())) {
            for (Path stale : rotated(CURRENT).values()) {
                Files.deleteIfExists(stale);
            }
            Files.deleteIfExists(current());
            Files.move(legacy(), directory.resolve(PREVIOUS), StandardCopyOption.REPLACE_EXISTING);
            return;
        }
        for (var rotatedFile : rotated(CURRENT).entrySet()) {
            Files.move(rotatedFile.getValue(), directory.resolve(PREVIOUS + "." + rotatedFile.getKey()));
        }
        if (Files.exists(current())) {
            Files.move(current(), directory.resolve(PREVIOUS));
        }
    }

    /** Whether the run being written to {@code current.log} is over and all of its output is there. */
    public boolean currentRunEnded() {
        return Files.exists(directory.resolve(ENDED));
    }

    /**
     * Holds the directory (made if absent) until the returned reader is closed: a delete meanwhile is
     * finished then.
     *
     * @param logRoot kukeond's log directory, under which empty levels go with the last container
     */
    public Reader read(Path logRoot) throws IOException {
        FileModes.createPrivateDirectories(directory);
        Path marker = Files.createFile(directory.resolve(READER + UUID.randomUUID()));
        return new Reader(marker, logRoot);
    }

    /** See {@link #read}. */
    public final class Reader implements AutoCloseable {
        private final Path marker;
        private final Path logRoot;

        private Reader(Path marker, Path logRoot) {
            this.marker = marker;
            this.logRoot = logRoot;
        }

        @Override
        public void close() throws IOException {
            Files.deleteIfExists(marker);
            if (Files.exists(directory.resolve(DELETED)) && !held()) {
                deleteNow(logRoot);
            }
        }
    }

    /**
     * Every file of the container's log, its directory and the levels above it that this leaves
     * empty, up to {@code logRoot}: nothing of a deleted container remains. While a reader holds the
     * directory, the directory is marked and the last reader deletes it.
     */
    public void delete(Path logRoot) throws IOException {
        if (held()) {
            try {
                Files.writeString(directory.resolve(DELETED), "");
            } catch (NoSuchFileException e) {
                return;   // the last reader deleted it meanwhile
            }
            if (held()) {
                return;
            }
        }
        deleteNow(logRoot);
    }

    private boolean held() throws IOException {
        try (DirectoryStream<Path> readers = Files.newDirectoryStream(directory, READER + "*")) {
            return readers.iterator().hasNext();
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** Tolerates a delete of the same directory at the same time (a reader's and the container's). */
    private void deleteNow(Path logRoot) throws IOException {
        Files.deleteIfExists(legacy());
        for (int attempt = 1; ; attempt++) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
                for (Path p : entries) {
                    Files.deleteIfExists(p);
                }
            } catch (NoSuchFileException e) {
                break;
            }
            try {
                Files.deleteIfExists(directory);
                break;
            } catch (DirectoryNotEmptyException e) {
                if (attempt == 3) {
                    throw e;   // something keeps writing there
                }
                // a logger's last file, made while its container was deleted: once more
            }
        }
        removeEmptyLevels(directory.getParent(), logRoot);
    }

    /**
     * The cell's, stack's, space's and realm's log directories that a delete left empty, from
     * {@code dir} up to (not including) {@code logRoot}.
     */
    static void removeEmptyLevels(Path dir, Path logRoot) throws IOException {
        for (Path d = dir; d != null && d.startsWith(logRoot) && !d.equals(logRoot); d = d.getParent()) {
            try {
                Files.deleteIfExists(d);
            } catch (DirectoryNotEmptyException e) {
                return;   // another container's log: this level and the ones above stay
            }
        }
    }

    /**
     * At kukeond's start: no reader holds a directory any more (readers live in kukeond), so the
     * deletes they held up are finished.
     */
    public static void sweep(Path logRoot) throws IOException {
        if (!Files.isDirectory(logRoot)) {
            return;
        }
        List<Path> deleted = new ArrayList<>();
        try (Stream<Path> files = Files.find(logRoot, DEPTH + 1, (p, attributes) -> attributes.isRegularFile()
                && (p.getFileName().toString().startsWith(READER) || p.getFileName().toString().equals(DELETED)))) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (p.getFileName().toString().equals(DELETED)) {
                    deleted.add(p.getParent());
                } else {
                    Files.deleteIfExists(p);
                }
            }
        }
        for (Path dir : deleted) {
            new ContainerLogDir(dir).deleteNow(logRoot);
        }
    }
}
