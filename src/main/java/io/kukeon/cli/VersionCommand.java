package io.kukeon.cli;

import io.kukeon.wire.v1.VersionRequest;
import io.kukeon.wire.v1.VersionResponse;
import picocli.CommandLine.Command;

/** The client's version (always) and kukeond's (when it answers). */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Show the versions of kuke and kukeond.")
final class VersionCommand extends DaemonCommand {
    @Override
    int run(DaemonConnection daemon) {
        out().println("Client: kuke " + ClientVersion.get());
        out().flush();
        VersionResponse v = daemon.calls().version(VersionRequest.getDefaultInstance());
        out().println("Server: kukeond " + v.getVersion() + " (API " + v.getApiVersion()
                + (v.getRuntime().isEmpty() ? "" : ", " + v.getRuntime() + " " + v.getRuntimeVersion()) + ")");
        return 0;
    }
}
