package io.kukeon.cli;

import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.ObjectResponse;
import picocli.CommandLine.Command;

@Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop a cell (or one container): SIGTERM, then SIGKILL after the timeout.",
        footer = {"%nExamples:",
                "  # cell web, killed if still running after the default timeout",
                "  kuke stop web",
                "  # its container app, with 30 seconds to end",
                "  kuke stop web --container app --timeout 30s"})
final class StopCommand extends LifecycleCommand.WithTimeout {
    @Override
    ObjectResponse call(DaemonConnection daemon, LifecycleRequest request) {
        return daemon.work().stop(request);
    }

    @Override
    String done() {
        return "Stopped";
    }
}
