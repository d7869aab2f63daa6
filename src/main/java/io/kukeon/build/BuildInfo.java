package io.kukeon.build;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * What this build is: the project's version and the commit it was built from, both written into
 * the jar by the build ({@code version.properties}, filtered from the pom; {@code build-commit.properties},
 * by scripts/lib/build-commit.sh). Used by kuke and kukeond alike, so it depends on nothing else of ours.
 */
public final class BuildInfo {
    /** The commit when the build was not made from a git checkout (or the file is missing). */
    public static final String UNKNOWN_COMMIT = "unknown";

    private static final String VERSION = read("/io/kukeon/version.properties", "version", "dev");
    private static final String COMMIT = read("/io/kukeon/build-commit.properties", "commit", UNKNOWN_COMMIT);

    private BuildInfo() {}

    /** e.g. {@code 0.1.0-SNAPSHOT}; {@code dev} when run from classes the build did not make. */
    public static String version() {
        return VERSION;
    }

    /** e.g. {@code 6acfdf3d3e98}, {@code 6acfdf3d3e98-dirty} or {@code unknown}. */
    public static String commit() {
        return COMMIT;
    }

    /** The version with its commit, as the tools print it: {@code 0.1.0-SNAPSHOT (commit 6acfdf3d3e98)}. */
    public static String describe() {
        return describe(VERSION, COMMIT);
    }

    /** The same words for a version and commit that came from elsewhere (kukeond's, over the wire). */
    public static String describe(String version, String commit) {
        return version + " (commit " + (commit == null || commit.isEmpty() ? UNKNOWN_COMMIT : commit) + ")";
    }

    private static String read(String resource, String key, String fallback) {
        try (InputStream in = BuildInfo.class.getResourceAsStream(resource)) {
            if (in == null) {
                return fallback;
            }
            Properties p = new Properties();
            p.load(in);
            String value = p.getProperty(key, "").trim();
            return value.isEmpty() || value.startsWith("${") ? fallback : value;
        } catch (IOException e) {
            return fallback;   // informative only: never a reason not to start
        }
    }
}
