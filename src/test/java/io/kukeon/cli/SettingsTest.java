package io.kukeon.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class SettingsTest {

    @Test
    void flagsWinOverEnvironmentWhichWinsOverDefaults() {
        Settings none = Settings.resolve(null, null, Map.<String, String>of()::get);
        assertEquals("unix:/run/kukeon/kukeond.sock", none.host());
        assertEquals(Path.of("/run/kukeon/kukeond.sock"), none.socket());
        assertEquals(Path.of("/var/lib/kukeon/token"), none.tokenFile());

        Map<String, String> env = Map.of("KUKEON_HOST", "10.1.1.1:9", "KUKEON_DATA_DIR", "/srv/kukeon");
        Settings fromEnv = Settings.resolve(null, null, env::get);
        assertEquals("10.1.1.1:9", fromEnv.host());
        assertNull(fromEnv.socket());
        assertEquals(Path.of("/tmp/k.sock"), Settings.resolve("unix:///tmp/k.sock", null, env::get).socket());
        assertEquals(Path.of("/tmp/k.sock"), Settings.resolve("unix:/tmp/k.sock", null, env::get).socket());
        assertEquals(Path.of("/srv/kukeon/token"), fromEnv.tokenFile());

        Settings withFile = Settings.resolve(null, null, Map.of("KUKEON_DATA_DIR", "/srv/kukeon",
                "KUKEON_TOKEN_FILE", "/etc/kuke.token")::get);
        assertEquals(Path.of("/etc/kuke.token"), withFile.tokenFile());

        assertEquals("kukeon.lan:7420", Settings.resolve("kukeon.lan", null, env::get).host());
        assertEquals("[::1]:7420", Settings.resolve("[::1]", null, env::get).host());
        assertEquals("[::1]:9", Settings.resolve("[::1]:9", null, env::get).host());

        Settings flags = Settings.resolve("localhost:1", "/tmp/t", env::get);
        assertEquals("localhost:1", flags.host());
        assertEquals(Path.of("/tmp/t"), flags.tokenFile());
    }

    @Test
    void theTokenIsTrimmedAndAMissingOneIsExplained() throws Exception {
        Path dir = Files.createTempDirectory("token");
        Path file = dir.resolve("token");
        Settings s = Settings.resolve(null, file.toString(), k -> null);
        assertNull(s.token());
        assertEquals(file + " does not exist", s.tokenProblem());
        Files.writeString(file, "  \n");
        assertEquals(file + " is empty", s.tokenProblem());
        Files.writeString(file, "abc123\n");
        assertEquals("abc123", s.token());
        assertNull(s.tokenProblem());
        Files.delete(file);
        Files.delete(dir);
    }
}
