package io.kukeon.cli;

import io.kukeon.build.BuildInfo;

/** The version of this build ("dev" when run from classes the build did not make). */
final class ClientVersion {
    private ClientVersion() {}

    static String get() {
        return BuildInfo.version();
    }
}
