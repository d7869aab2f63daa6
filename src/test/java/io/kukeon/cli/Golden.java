package io.kukeon.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Compares output with a file under {@code src/test/resources/cli/golden}. With
 * {@code -Dkukeon.updateGolden=true} the file is (re)written instead; review the diff before committing.
 */
final class Golden {
    private Golden() {}

    static void assertMatches(String name, String actual) throws IOException {
        Path file = Path.of(System.getProperty("kukeon.projectDir", ".")).resolve("src/test/resources/cli/golden").resolve(name);
        if (Boolean.getBoolean("kukeon.updateGolden")) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, actual, StandardCharsets.UTF_8);
            return;
        }
        assertEquals(Files.readString(file, StandardCharsets.UTF_8), actual, "golden file " + name);
    }
}
