package io.kukeon.cli;

import java.io.InputStream;
import java.util.Properties;

/** The version of this build, from the Maven descriptor the jar carries ("dev" when run from classes). */
final class ClientVersion {
    private static final String DESCRIPTOR = "/META-INF/maven/io.kukeon/kukeon/pom.properties";
    private static String version;

    private ClientVersion() {}

    static synchronized String get() {
        if (version == null) {
            version = "dev";
            try (InputStream in = ClientVersion.class.getResourceAsStream(DESCRIPTOR)) {
                if (in != null) {
                    Properties p = new Properties();
                    p.load(in);
                    version = p.getProperty("version", "dev");
                }
            } catch (java.io.IOException e) {
                // keep "dev": the version is informative only
            }
        }
        return version;
    }
}
