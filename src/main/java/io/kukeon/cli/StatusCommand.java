package io.kukeon.cli;

import io.kukeon.wire.v1.StatusRequest;
import io.kukeon.wire.v1.StatusResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** kukeond's own checks (daemon, journal, containerd, cgroup driver), one row each; exit 1 on any FAIL. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show kukeond's health checks: OK, WARN or FAIL each.",
        footer = {"%nExamples:",
                "  # each check of kukeond: OK, WARN or FAIL",
                "  kuke status",
                "  # the checks as JSON",
                "  kuke status -o json"})
final class StatusCommand extends DaemonCommand {
    @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "FORMAT", converter = Output.Parse.class,
            description = "table, yaml, json, name or jsonpath=TEMPLATE; each check a record (default: ${DEFAULT-VALUE}).")
    Output output;

    @Override
    int run(DaemonConnection daemon) {
        StatusResponse r = daemon.calls().status(StatusRequest.getDefaultInstance());
        out().print(Printed.render(output, r.getChecksList().stream().map(StatusCommand::item).toList(), false,
                () -> render(r)));
        return r.getChecksList().stream().anyMatch(c -> c.getLevel().equals("FAIL")) ? 1 : 0;
    }

    static String render(StatusResponse r) {
        Table t = new Table(List.of("LEVEL", "CHECK", "DETAIL"));
        r.getChecksList().forEach(c -> t.add(List.of(c.getLevel(), c.getName(), ErrorLine.oneLine(c.getDetail()))));
        return t.render(false);
    }

    /** A check as a record: {@code check/NAME}. */
    private static Printed.Item item(StatusResponse.Check c) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("name", c.getName());
        doc.put("level", c.getLevel());
        doc.put("detail", c.getDetail());
        return new Printed.Item("check/" + c.getName(), doc);
    }
}
