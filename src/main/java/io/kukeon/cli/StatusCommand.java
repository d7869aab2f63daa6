package io.kukeon.cli;

import io.kukeon.wire.v1.StatusRequest;
import io.kukeon.wire.v1.StatusResponse;
import picocli.CommandLine.Command;

import java.util.List;

/** kukeond's own checks (daemon, journal, containerd, cgroup driver), one row each; exit 1 on any FAIL. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show kukeond's health checks: OK, WARN or FAIL each.")
final class StatusCommand extends DaemonCommand {
    @Override
    int run(DaemonConnection daemon) {
        StatusResponse r = daemon.calls().status(StatusRequest.getDefaultInstance());
        out().print(render(r));
        return r.getChecksList().stream().anyMatch(c -> c.getLevel().equals("FAIL")) ? 1 : 0;
    }

    static String render(StatusResponse r) {
        Table t = new Table(List.of("LEVEL", "CHECK", "DETAIL"));
        r.getChecksList().forEach(c -> t.add(List.of(c.getLevel(), c.getName(), ErrorLine.oneLine(c.getDetail()))));
        return t.render(false);
    }
}
