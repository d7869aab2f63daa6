package io.kukeon.daemon;

import com.typesafe.config.Config;
import io.kukeon.model.InvalidArgumentException;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Where the journal lives: the embedded H2 file under the data dir, or a PostgreSQL database
 * ({@code journal.kind}). The password is read once from {@code journal.password-file} and goes
 * only to the driver: never into {@link #toString()}, status or the log.
 */
public final class JournalSettings {
    public enum Kind { H2, POSTGRES }

    /**
     * When an acknowledged event is on stable storage ({@code journal.sync}). COMMIT: before the reply
     * that depends on it (H2: kukeond syncs the file, one sync shared by the writes that gathered;
     * PostgreSQL: the server flushes its WAL at commit, as its synchronous_commit = on does). OS: when
     * the operating system writes its page cache out: a kill -9 of kukeond loses nothing, a power loss
     * may lose the last events acknowledged (PostgreSQL: synchronous_commit = off for kukeond's sessions).
     */
    public enum Sync {
        COMMIT, OS;

        static Sync parse(String value) {
            return switch (value) {
                case "commit" -> COMMIT;
                case "os" -> OS;
                default -> throw new InvalidArgumentException("journal.sync", "\"" + value + "\" must be commit or os");
            };
        }

        /** As written in the settings. */
        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The driver's own values of {@code sslmode}; empty = the driver's default (prefer). */
    static final List<String> SSL_MODES = List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");
    /** A password file is a line, not a document. */
    private static final long MAX_PASSWORD_FILE = 4096;
    private static final String POSTGRES_PREFIX = "jdbc:postgresql://";
    /** The schema of a PostgreSQL journal unless {@code journal.schema} names another. */
    public static final String PUBLIC = "public";
    /** A schema name needing no quotes (PostgreSQL folds unquoted names to lower case), not a system one. */
    private static final java.util.regex.Pattern SCHEMA_NAME = java.util.regex.Pattern.compile("(?!pg_)[a-z_][a-z0-9_]{0,62}");
    /** What kukeond's connections to PostgreSQL call themselves ({@code pg_stat_activity}): tools see that one runs. */
    public static final String APPLICATION_NAME = "kukeond";

    private final Kind kind;
    private final String url;
    private final String user;
    private final String password;
    private final int poolSize;
    private final String sslmode;
    private final Sync sync;
    /** PostgreSQL: the schema of the journal's tables (the driver's currentSchema); public unless set. */
    private final String schema;

    private JournalSettings(Kind kind, String url, String user, String password, int poolSize, String sslmode, Sync sync,
                            String schema) {
        this.schema = schema;
        this.kind = kind;
        this.url = url;
        this.user = user;
        this.password = password;
        this.poolSize = poolSize;
        this.sslmode = sslmode;
        this.sync = sync;
    }

    /** The embedded journal: an H2 file written through at once, so a kill -9 loses nothing acknowledged. */
    public static JournalSettings h2(Path journalFileBase, int poolSize) {
        return new JournalSettings(Kind.H2, DaemonConfig.jdbcUrl(journalFileBase), "sa", "", poolSize, "", Sync.COMMIT, "");
    }

    /** A PostgreSQL journal (tests and tools; kukeond reads its settings with {@link #read}). */
    public static JournalSettings postgres(String url, String user, String password, int poolSize, String sslmode) {
        return new JournalSettings(Kind.POSTGRES, url, user, password, poolSize, sslmode, Sync.COMMIT, PUBLIC);
    }

    /** The same store, synced as {@code sync} says. */
    public JournalSettings withSync(Sync sync) {
        return new JournalSettings(kind, url, user, password, poolSize, sslmode, sync, schema);
    }

    /** The same PostgreSQL database, its tables in {@code schema}: one database can hold the journals of several kukeonds. */
    public JournalSettings inSchema(String schema) {
        if (kind != Kind.POSTGRES) {
            throw new InvalidArgumentException("journal.schema", "is for kind = postgres; the journal's kind is h2");
        }
        if (!SCHEMA_NAME.matcher(schema).matches()) {
            throw new InvalidArgumentException("journal.schema", "\"" + schema + "\" must be 1 to 63 lower-case letters, digits"
                    + " and underscores, not starting with a digit (nor pg_)");
        }
        return new JournalSettings(kind, url, user, password, poolSize, sslmode, sync, schema);
    }

    /** PostgreSQL: the schema of the journal's tables; empty for H2. */
    public String schema() {
        return schema;
    }

    /** {@code kukeon.journal}: every value checked, a bad one refused naming its key. */
    static JournalSettings read(Config k, Path journalFileBase) {
        String kindName = DaemonConfig.string(k, "journal.kind");
        int poolSize = DaemonConfig.integer(k, "journal.pool-size", 1, 100);
        String url = DaemonConfig.string(k, "journal.url");
        String user = DaemonConfig.string(k, "journal.user");
        String passwordFile = DaemonConfig.string(k, "journal.password-file");
        String sslmode = DaemonConfig.string(k, "journal.sslmode");
        Sync sync = Sync.parse(DaemonConfig.string(k, "journal.sync"));
        String schema = DaemonConfig.string(k, "journal.schema");
        switch (kindName) {
            case "h2":
                for (String key : List.of("url", "user", "password-file", "sslmode", "schema")) {
                    if (!DaemonConfig.string(k, "journal." + key).isEmpty()) {
                        throw new InvalidArgumentException("journal." + key, "is for kind = postgres; the journal's kind is h2");
                    }
                }
                return h2(journalFileBase, poolSize).withSync(sync);
            case "postgres":
                checkPostgresUrl(url);
                if (user.isEmpty()) {
                    throw new InvalidArgumentException("journal.user", "must name the database user for kind = postgres");
                }
                if (!sslmode.isEmpty() && !SSL_MODES.contains(sslmode)) {
                    throw new InvalidArgumentException("journal.sslmode", "\"" + sslmode + "\" must be one of " + String.join(", ", SSL_MODES));
                }
                String password = passwordFile.isEmpty() ? "" : readPassword(DaemonConfig.absolute("journal.password-file", passwordFile));
                JournalSettings postgres = postgres(url, user, password, poolSize, sslmode).withSync(sync);
                return schema.isEmpty() ? postgres : postgres.inSchema(schema);
            default:
                throw new InvalidArgumentException("journal.kind", "\"" + kindName + "\" must be h2 or postgres");
        }
    }

    private static void checkPostgresUrl(String url) {
        if (!url.startsWith(POSTGRES_PREFIX)) {
            throw new InvalidArgumentException("journal.url", "must be a PostgreSQL JDBC URL, " + POSTGRES_PREFIX + "HOST:PORT/DATABASE");
        }
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.contains("password=")) {
            throw new InvalidArgumentException("journal.url", "must not hold a password: put it in journal.password-file");
        }
        if (lower.contains("sslmode=")) {
            throw new InvalidArgumentException("journal.url", "must not set sslmode: set journal.sslmode");
        }
        if (lower.contains("currentschema=")) {
            throw new InvalidArgumentException("journal.url", "must not set currentSchema: set journal.schema");
        }
        if (hostAndDatabase(url).isEmpty()) {
            throw new InvalidArgumentException("journal.url", "must name a host and a database: " + POSTGRES_PREFIX + "HOST:PORT/DATABASE");
        }
    }

    /** The first line of the file, read once; the file must be root's alone (it is a credential). */
    private static String readPassword(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new InvalidArgumentException("journal.password-file", "no such file: " + file);
            }
            if (Files.size(file) > MAX_PASSWORD_FILE) {
                throw new InvalidArgumentException("journal.password-file", file + " is larger than " + MAX_PASSWORD_FILE + " bytes");
            }
            io.kukeon.model.PrivateFiles.requireOwnerOnly("journal.password-file", file);
            String content = Files.readString(file, StandardCharsets.UTF_8);
            String line = content.lines().findFirst().orElse("");
            if (line.isEmpty()) {
                throw new InvalidArgumentException("journal.password-file", file + " is empty");
            }
            return line;
        } catch (IOException e) {
            throw new InvalidArgumentException("journal.password-file", "cannot read " + file + ": " + e.getMessage());
        }
    }

    public Kind kind() {
        return kind;
    }

    public String url() {
        return url;
    }

    public String user() {
        return user;
    }

    public int poolSize() {
        return poolSize;
    }

    public Sync sync() {
        return sync;
    }

    /** The journal's schema script, in the jar and in {@code journal-schema/}. */
    public String schemaResource() {
        return kind == Kind.H2 ? "/journal-schema/h2.sql" : "/journal-schema/postgres.sql";
    }

    /** A connection of our own (schema, key check, tools), with the same credentials and TLS as the pool's. */
    public Connection connect() throws SQLException {
        return connect(APPLICATION_NAME);
    }

    /** A connection of a tool's (e.g. "kukeond journal export"), named so on PostgreSQL: it is no kukeond's. */
    public Connection connect(String applicationName) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        if (!sslmode.isEmpty()) {
            p.setProperty("sslmode", sslmode);
        }
        if (kind == Kind.POSTGRES) {
            p.setProperty("ApplicationName", applicationName);
            p.setProperty("currentSchema", schema);
        }
        return DriverManager.getConnection(url, p);
    }

    /** The settings of pekko-persistence-jdbc's shared database (Slick and its Hikari pool). */
    Map<String, Object> pekkoSettings() {
        String db = "pekko-persistence-jdbc.shared-databases.slick.db.";
        Map<String, Object> s = new HashMap<>();
        s.put("pekko-persistence-jdbc.shared-databases.slick.profile",
                kind == Kind.H2 ? "slick.jdbc.H2Profile$" : "slick.jdbc.PostgresProfile$");
        s.put(db + "url", url);
        s.put(db + "user", user);
        s.put(db + "password", password);
        s.put(db + "driver", kind == Kind.H2 ? "org.h2.Driver" : "org.postgresql.Driver");
        s.put(db + "numThreads", poolSize);
        s.put(db + "maxConnections", poolSize);
        if (!sslmode.isEmpty()) {
            s.put(db + "properties.sslmode", sslmode);
        }
        if (kind == Kind.POSTGRES) {
            s.put(db + "properties.ApplicationName", APPLICATION_NAME);
            s.put(db + "properties.currentSchema", schema);
            if (sync == Sync.OS) {   // the server acknowledges a commit before its WAL is flushed
                s.put(db + "properties.options", "-c synchronous_commit=off");
            }
        }
        s.put(JournalStore.DESCRIPTION_SETTING, toString());
        s.put(JournalStore.SYNC_SETTING, sync.value());
        if (kind == Kind.H2) {
            s.put(JournalStore.H2_FILE_SETTING, h2File().toString());
        }
        return s;
    }

    /** The H2 journal's file ({@code <base>.mv.db}); null for PostgreSQL. */
    public Path h2File() {
        if (kind != Kind.H2) {
            return null;
        }
        String base = url.substring("jdbc:h2:file:".length());
        int options = base.indexOf(';');
        return Path.of((options < 0 ? base : base.substring(0, options)) + ".mv.db");
    }

    /** The store and where, for tools and status: the H2 journal's file, or {@link #toString()}. */
    public String describe() {
        return kind == Kind.H2 ? "H2 journal " + h2File() : toString();
    }

    /** What status and the log say of the store: its kind and where, never a credential. */
    @Override
    public String toString() {
        return kind == Kind.H2 ? "H2 journal" : "PostgreSQL journal on " + hostAndDatabase(url)
                + (schema.equals(PUBLIC) ? "" : " schema " + schema) + (sslmode.isEmpty() ? "" : " (sslmode " + sslmode + ")");
    }

    /** HOST:PORT/DATABASE of a PostgreSQL URL, without its parameters; empty when it names none. */
    static String hostAndDatabase(String url) {
        try {
            URI uri = new URI(url.substring("jdbc:".length()));
            String host = uri.getRawAuthority();
            String path = uri.getRawPath();
            if (host == null || path == null || path.length() < 2) {
                return "";
            }
            return host.substring(host.indexOf('@') + 1) + path;
        } catch (java.net.URISyntaxException | IndexOutOfBoundsException e) {
            return "";
        }
    }
}
