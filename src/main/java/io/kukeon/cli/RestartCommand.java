package io.kukeon.cli;

import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.ObjectResponse;
import picocli.CommandLine.Command;

@Command(name = "restart", mixinStandardHelpOptions = true, description = "Stop, then start a cell (or one container).",
        footer = {"%nExamples:",
                "  # cell web",
                "  kuke restart web",
                "  # its container app, with 5 seconds to stop",
                "  kuke restart web --container app --timeout 5s"})
final class RestartCommand extends LifecycleCommand.WithTimeout {
    @Override
    ObjectResponse call(DaemonConnection daemon, LifecycleRequest request) {
        return daemon.work().restart(request);
    }

    @Override
    String done() {
        return "Restarted";
    }

    @Override
    boolean startsSomething() {
        return true;
    }
}
