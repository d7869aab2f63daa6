package io.kukeon.daemon;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Where kukeond's settings and journal are: flags of the daemon and of {@code kukeond journal}, one definition. */
final class JournalFlags {
    @Option(names = "--config", paramLabel = "FILE", description = "HOCON file with a kukeon { } block")
    Path config;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "journal, token and logs (default /var/lib/kukeon)")
    String dataDir;

    @Option(names = "--journal-kind", paramLabel = "KIND", description = "h2 (default, under the data dir) or postgres")
    String journalKind;

    @Option(names = "--journal-url", paramLabel = "URL", description = "for postgres: jdbc:postgresql://HOST:PORT/DATABASE")
    String journalUrl;

    @Option(names = "--journal-user", paramLabel = "USER", description = "for postgres: the database user")
    String journalUser;

    @Option(names = "--journal-password-file", paramLabel = "FILE", description = "for postgres: a 0600 file holding the password")
    String journalPasswordFile;

    /** The flags given, by their keys in {@link DaemonConfig#KEYS}. */
    Map<String, String> flags() {
        Map<String, String> flags = new LinkedHashMap<>();
        Kukeond.put(flags, "data-dir", dataDir);
        Kukeond.put(flags, "journal.kind", journalKind);
        Kukeond.put(flags, "journal.url", journalUrl);
        Kukeond.put(flags, "journal.user", journalUser);
        Kukeond.put(flags, "journal.password-file", journalPasswordFile);
        return flags;
    }

    /** kukeond's settings as the daemon would load them (file, environment, these flags). */
    DaemonConfig load() {
        return DaemonConfig.load(flags(), config, System.getenv());
    }
}
