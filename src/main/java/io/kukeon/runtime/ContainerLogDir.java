package io.kukeon.runtime;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The files of one container's log, in its own directory (container names may hold dots, so runs
 * are told apart by file names inside it, never by siblings): {@code current.log} and its rotated
 * {@code current.log.1}, {@code .2}, … (higher is older) for the task that runs or ran last, and
 * {@code previous.log*} for the run before it. A container of a release before these directories
 * still writes {@code <container>.log} beside the directory (plain text) until its task restarts.
 */
public record ContainerLogDir(Path directory) {
    public static final String CURRENT = "current.log";
    public static final String PREVIOUS = "previous.log";

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

    /** Every file of the container's log, and its directory. */
    public void delete() throws IOException {
        Files.deleteIfExists(legacy());
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path p : entries) {
                Files.deleteIfExists(p);
            }
        } catch (NoSuchFileException e) {
            return;
        }
        Files.deleteIfExists(directory);
    }
}
