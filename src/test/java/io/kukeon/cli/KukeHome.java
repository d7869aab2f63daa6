package io.kukeon.cli;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

/** An installation for bin/kuke (KUKEON_HOME) whose jar is this build's classpath, so that kuke runs as a process of its own. */
final class KukeHome {
    private KukeHome() {}

    static Path create(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("target/lib"));
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, List.of(System.getProperty("java.class.path")
                .split(File.pathSeparator)).stream().map(e -> Path.of(e).toUri().toString()).collect(Collectors.joining(" ")));
        try (OutputStream out = Files.newOutputStream(dir.resolve("target/kukeon.jar"))) {
            new JarOutputStream(out, manifest).close();
        }
        return dir;
    }

    /** bin/kuke of this project. */
    static Path kuke() {
        return Path.of(System.getProperty("kukeon.projectDir", ".")).resolve("bin/kuke");
    }
}
