package io.kukeon.daemon;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * scripts/kukeond-cds.sh on a build tree laid out as mvn package lays it out (kukeon.jar, lib/*.jar):
 * its training run (a real kukeond without containerd, on a cgroup root of its own) writes the
 * archive and leaves no cgroup behind; bin/kukeond then maps kukeond's classes from it, and starts
 * without it, silently, once a jar is newer or with KUKEON_CDS=off.
 */
@Tag("cgroup")
class ClassDataArchiveTest {
    private static final Path PROJECT = Path.of(System.getProperty("kukeon.projectDir", ".")).toAbsolutePath();
    private static final String SHARED = "source: shared objects file (top)";

    @Test
    void trainedArchiveIsUsedWhileFreshAndIgnoredOnceAJarChanges(@TempDir Path dir) throws Exception {
        Path tree = buildTree(dir.resolve("tree"));
        Set<String> groupsBefore = trainingGroups();

        Run trained = run(Map.of(), tree.resolve("scripts/kukeond-cds.sh").toString());
        assertEquals(0, trained.exit, trained.output);
        Path archive = Path.of(trained.output.trim());
        assertTrue(archive.startsWith(tree.resolve("target")) && Files.size(archive) > 0, trained.output);
        assertEquals(groupsBefore, trainingGroups(), "the training run's cgroups are removed");
        assertEquals(0, run(Map.of(), tree.resolve("scripts/kukeond-cds.sh").toString(), "--if-stale").exit);

        Path used = dir.resolve("used.log");
        Run version = kukeondVersion(tree, used, Map.of());
        assertTrue(version.output.startsWith("kukeond "), version.output);
        assertTrue(loadedFrom(used, "io.kukeon.daemon.Kukeond").contains(SHARED), "mapped from the archive");

        Path off = dir.resolve("off.log");
        assertEquals(version.output, kukeondVersion(tree, off, Map.of("KUKEON_CDS", "off")).output);
        assertFalse(loadedFrom(off, "io.kukeon.daemon.Kukeond").contains(SHARED), "KUKEON_CDS=off");

        // a new build's jar: the archive no longer matches it; kukeond starts from the jars, saying nothing of it
        Path jar = tree.resolve("target/kukeon.jar");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(archive).toMillis() + 2_000));
        Path stale = dir.resolve("stale.log");
        assertEquals(version.output, kukeondVersion(tree, stale, Map.of()).output);
        assertFalse(loadedFrom(stale, "io.kukeon.daemon.Kukeond").contains(SHARED), "a stale archive is not used");
    }

    /** bin/kukeond --version, its classes' sources logged to {@code classLog}. */
    private static Run kukeondVersion(Path tree, Path classLog, Map<String, String> env) throws Exception {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("KUKEOND_JAVA_OPTS", "-Xlog:class+load=info:file=" + classLog);
        Run run = run(all, tree.resolve("bin/kukeond").toString(), "--version");
        assertEquals(0, run.exit, run.output);
        return run;
    }

    /** -Xlog:class+load's line of one class. */
    private static String loadedFrom(Path log, String className) throws IOException {
        try (Stream<String> lines = Files.lines(log)) {
            return lines.filter(l -> l.contains(" " + className + " source:")).findFirst()
                    .orElseThrow(() -> new AssertionError(className + " not loaded: " + log));
        }
    }

    /** The training runs' cgroups (kukeond-cds-training-PID) on every hierarchy. */
    private static Set<String> trainingGroups() throws IOException {
        List<Path> hierarchies = new ArrayList<>(List.of(Path.of("/sys/fs/cgroup")));
        try (Stream<Path> dirs = Files.list(Path.of("/sys/fs/cgroup"))) {
            dirs.filter(Files::isDirectory).forEach(hierarchies::add);
        }
        Set<String> groups = new java.util.TreeSet<>();
        for (Path hierarchy : hierarchies) {
            try (Stream<Path> dirs = Files.list(hierarchy)) {
                dirs.filter(d -> d.getFileName().toString().startsWith("kukeond-cds-training-"))
                        .forEach(d -> groups.add(d.toString()));
            }
        }
        return groups;
    }

    /** bin/, conf/kukeond.jvm, scripts/kukeond-cds.sh, target/kukeon.jar (this build's classes), target/lib/ (the jars), the logger. */
    private static Path buildTree(Path tree) throws IOException {
        for (String file : List.of("bin/kuke", "bin/kukeond", "conf/kukeond.jvm", "scripts/kukeond-cds.sh")) {
            Files.createDirectories(tree.resolve(file).getParent());
            Files.copy(PROJECT.resolve(file), tree.resolve(file), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
        Path lib = Files.createDirectories(tree.resolve("target/lib"));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path jar = Path.of(entry);
            if (entry.endsWith(".jar") && !Files.exists(lib.resolve(jar.getFileName()))) {
                Files.createSymbolicLink(lib.resolve(jar.getFileName()), jar.toAbsolutePath());
            }
        }
        Files.copy(PROJECT.resolve("target/lib/kuke.classpath"), lib.resolve("kuke.classpath"));
        Files.createSymbolicLink(tree.resolve("target/kukeon-logger"), PROJECT.resolve("target/kukeon-logger"));
        Path classes = PROJECT.resolve("target/classes");
        try (OutputStream out = Files.newOutputStream(tree.resolve("target/kukeon.jar"));
             JarOutputStream jar = new JarOutputStream(out);
             Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().collect(Collectors.toList())) {
                jar.putNextEntry(new JarEntry(classes.relativize(file).toString().replace(File.separatorChar, '/')));
                Files.copy(file, jar);
                jar.closeEntry();
            }
        }
        return tree;
    }

    private record Run(int exit, String output) {}

    private static Run run(Map<String, String> env, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().keySet().removeIf(k -> k.startsWith("KUKEON") || k.equals("JAVA_TOOL_OPTIONS"));
        builder.environment().putAll(env);
        Process p = builder.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(List.of(command) + " did not finish within 180 s");
        }
        return new Run(p.exitValue(), output);
    }
}
