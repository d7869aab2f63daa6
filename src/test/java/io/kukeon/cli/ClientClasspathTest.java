package io.kukeon.cli;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kuke's own classpath, the list the build writes (target/lib/kuke.classpath) and bin/kuke reads:
 * the gRPC client, protobuf, picocli and YAML, nothing of the daemon's (RealExecTest runs bin/kuke
 * on that list alone against a real kukeond).
 */
class ClientClasspathTest {
    /** Artifact names of the daemon's jars; anything built for Scala (a _2.13 suffix) is the daemon's too. */
    private static final List<String> DAEMON_ONLY = List.of("pekko-", "scala", "h2-", "slick", "HikariCP", "logback-",
            "jackson-", "config-", "agrona-", "lz4-", "reactive-streams-", "grpc-netty-shaded-", "parboiled");

    @Test
    void theClientListHasWhatKukeNeedsAndNothingOfTheDaemon() throws Exception {
        List<String> entries = List.of(Files.readString(KukeHome.clientList()).trim().split(":"));
        Set<String> names = entries.stream().map(e -> e.substring(e.lastIndexOf('/') + 1)).collect(Collectors.toSet());
        entries.forEach(e -> assertTrue(e.matches("lib/[A-Za-z0-9._-]+\\.jar"), e + " is lib/NAME.jar"));
        assertEquals(entries.size(), names.size(), "no jar twice: " + entries);

        List<String> forbidden = names.stream()
                .filter(n -> n.contains("_2.13") || DAEMON_ONLY.stream().anyMatch(n::startsWith)).sorted().toList();
        assertEquals(List.of(), forbidden, "the daemon's jars on kuke's classpath");
        for (String needed : List.of("picocli-", "grpc-netty-", "grpc-stub-", "grpc-protobuf-", "protobuf-java-", "snakeyaml-",
                "netty-transport-native-epoll-")) {
            assertTrue(names.stream().anyMatch(n -> n.startsWith(needed)), needed + " in " + names);
        }

        // each is a jar of the build's runtime classpath, so the daemon's lib/ has it too
        Set<String> resolved = List.of(System.getProperty("java.class.path").split(File.pathSeparator)).stream()
                .map(p -> Path.of(p).getFileName().toString()).collect(Collectors.toSet());
        assertEquals(Set.of(), names.stream().filter(n -> !resolved.contains(n)).collect(Collectors.toSet()));
    }
}
