package io.kukeon.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kukeon.secrets.KeyFile;
import io.kukeon.supervisor.journal.JournalSerializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A sealing key for actor systems that tests start themselves (a daemon makes its own in its data dir). */
public final class TestKeys {
    private TestKeys() {}

    private static final Path KEY_FILE = newKeyFile();

    /** The setting that points the journal's serializer at this JVM's test key. */
    public static Config config() {
        return ConfigFactory.parseMap(Map.of(JournalSerializer.KEY_FILE_SETTING, KEY_FILE.toString()));
    }

    private static Path newKeyFile() {
        try {
            Path file = Files.createTempDirectory("kukeon-test-key").resolve("journal.key");
            KeyFile.create(file);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
