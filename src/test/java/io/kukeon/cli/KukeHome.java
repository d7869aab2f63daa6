package io.kukeon.cli;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

/** An installation for bin/kuke (KUKEON_HOME) whose jar is this build's classpath, so that kuke runs as a process of its own. */
final class KukeHome {
    private KukeHome() {}

    /** Everything of the test classpath through the jar's manifest; an empty client list. */
    static Path create(Path dir) throws IOException {
        List<Path> everything = List.of(System.getProperty("java.class.path").split(File.pathSeparator)).stream()
                .map(Path::of).toList();
        return home(dir, everything, "");
    }

    /**
     * As the build lays kuke out: the jar holds this build's classes only, and target/lib/ the
     * jars of the build's client list (target/lib/kuke.classpath), taken from the test classpath.
     */
    static Path clientOnly(Path dir) throws IOException {
        Path project = Path.of(System.getProperty("kukeon.projectDir", "."));
        String list = Files.readString(clientList()).trim();
        Path lib = Files.createDirectories(dir.resolve("target/lib"));
        for (String entry : list.split(":")) {
            String name = Path.of(entry).getFileName().toString();
            Path jar = List.of(System.getProperty("java.class.path").split(File.pathSeparator)).stream().map(Path::of)
                    .filter(p -> p.getFileName().toString().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalStateException(name + " of the client list is not on the test classpath"));
            Files.createSymbolicLink(lib.resolve(name), jar.toAbsolutePath());
        }
        return home(dir, List.of(project.resolve("target/classes").toAbsolutePath()), list);
    }

    /** target/lib/kuke.classpath, which the build writes. */
    static Path clientList() {
        return Path.of(System.getProperty("kukeon.projectDir", ".")).resolve("target/lib/kuke.classpath");
    }

    private static Path home(Path dir, List<Path> classPath, String clientList) throws IOException {
        Files.createDirectories(dir.resolve("target/lib"));
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath.stream()
                .map(p -> p.toUri().toString()).collect(Collectors.joining(" ")));
        try (OutputStream out = Files.newOutputStream(dir.resolve("target/kukeon.jar"))) {
            new JarOutputStream(out, manifest).close();
        }
        Files.writeString(dir.resolve("target/lib/kuke.classpath"), clientList);
        return dir;
    }

    /** bin/kuke of this project. */
    static Path kuke() {
        return Path.of(System.getProperty("kukeon.projectDir", ".")).resolve("bin/kuke");
    }

    record Result(int exit, String out, String err) {}

    /** bin/kuke of this project as a process on {@code home}, with {@code env} (KUKEON_HOST and the like) and nothing inherited of kukeon's. */
    static Result run(Path home, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(kuke().toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("kuke", ".out");
        Path err = Files.createTempFile("kuke", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().keySet().removeIf(k -> k.startsWith("KUKEON_") || k.equals("JAVA_TOOL_OPTIONS"));
            builder.environment().putAll(env);
            builder.environment().putAll(Map.of("KUKEON_HOME", home.toString(), "KUKEON_CDS", "off"));
            Process process = builder.start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("kuke " + String.join(" ", args) + " did not finish within 60 s");
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
