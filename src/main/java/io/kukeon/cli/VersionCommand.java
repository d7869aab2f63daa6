package io.kukeon.cli;

import io.kukeon.build.BuildInfo;
import io.kukeon.wire.v1.VersionRequest;
import io.kukeon.wire.v1.VersionResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The client's version (always) and kukeond's (when it answers). */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Show the versions of kuke and kukeond.",
        footer = {"%nExamples:",
                "  # kuke and kukeond",
                "  kuke version",
                "  # kukeond's version alone",
                "  kuke version -o jsonpath='{.server.version}'"})
final class VersionCommand extends DaemonCommand {
    @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "FORMAT", converter = Output.Parse.class,
            description = "table (two lines), yaml, json, name or jsonpath=TEMPLATE, e.g. jsonpath='{.server.version}'"
                    + " (default: ${DEFAULT-VALUE}).")
    Output output;

    @Override
    int run(DaemonConnection daemon) {
        if (!output.documents()) {
            // the client's line first: it is worth seeing when the daemon does not answer
            out().println("Client: kuke " + BuildInfo.describe());
            out().flush();
        }
        VersionResponse v = daemon.calls().version(VersionRequest.getDefaultInstance());
        Map<String, Object> client = new LinkedHashMap<>();
        client.put("version", ClientVersion.get());
        client.put("commit", BuildInfo.commit());
        Map<String, Object> server = new LinkedHashMap<>();
        server.put("version", v.getVersion());
        server.put("commit", v.getCommit());
        server.put("apiVersion", v.getApiVersion());
        server.put("runtime", v.getRuntime());
        server.put("runtimeVersion", v.getRuntimeVersion());
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("client", client);
        doc.put("server", server);
        out().print(Printed.render(output, List.of(new Printed.Item("version/" + v.getVersion(), doc)), true,
                () -> "Server: kukeond " + v.getVersion() + " (commit " + (v.getCommit().isEmpty() ? BuildInfo.UNKNOWN_COMMIT : v.getCommit())
                        + ", API " + v.getApiVersion()
                        + (v.getRuntime().isEmpty() ? "" : ", " + v.getRuntime() + " " + v.getRuntimeVersion()) + ")\n"));
        return 0;
    }
}
