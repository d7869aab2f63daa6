package io.kukeon.cli;

import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.ObjectResponse;
import picocli.CommandLine.Command;

@Command(name = "kill", mixinStandardHelpOptions = true, description = "Kill a cell (or one container) with SIGKILL at once.",
        footer = {"%nExamples:",
                "  # every container of cell web",
                "  kuke kill web",
                "  # container app of cell web in realm demo",
                "  kuke kill web --container app --realm demo"})
final class KillCommand extends LifecycleCommand {
    @Override
    ObjectResponse call(DaemonConnection daemon, LifecycleRequest request) {
        return daemon.work().kill(request);
    }

    @Override
    String done() {
        return "Killed";
    }
}
