package io.kukeon.daemon;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The distribution's kukeond.conf (scripts/lib/commented-defaults.sh, run by the build): as shipped
 * it changes nothing, and with every setting uncommented it states exactly application.conf's
 * kukeon block, so no default is missing from it or written wrong.
 */
class CommentedDefaultsTest {
    private static final Path PROJECT = Path.of(System.getProperty("kukeon.projectDir", ".")).toAbsolutePath();

    @Test
    void everyDefaultIsThereCommentedOut(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("kukeond.conf");
        Process p = new ProcessBuilder("sh", PROJECT.resolve("scripts/lib/commented-defaults.sh").toString(),
                PROJECT.resolve("conf/application.conf").toString(), conf.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output);

        Config defaults = ConfigFactory.parseFile(PROJECT.resolve("conf/application.conf").toFile()).getConfig("kukeon");
        Config shipped = ConfigFactory.parseFile(conf.toFile());
        assertTrue(shipped.getConfig("kukeon").isEmpty(), "as shipped, every setting is a comment: " + shipped.root().render());
        // kukeond takes it as its --config
        DaemonConfig loaded = DaemonConfig.load(Map.of("data-dir", dir.resolve("data").toString()), conf, Map.of());
        assertEquals(DaemonConfig.load(Map.of("data-dir", dir.resolve("data").toString()), null, Map.of()).dataDir(), loaded.dataDir());

        // a setting is "  #key = value", an explanation "  # text"
        String uncommented = Files.readString(conf).replaceAll("(?m)^  #([a-z])", "  $1");
        Config all = ConfigFactory.parseString(uncommented).getConfig("kukeon");
        assertEquals(defaults.root().unwrapped(), all.root().unwrapped());
    }
}
