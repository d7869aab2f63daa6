package io.kukeon.cli;

import io.kukeon.wire.v1.LifecycleRequest;
import picocli.CommandLine.Command;

@Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop a cell (or one container): SIGTERM, then SIGKILL after the timeout.")
final class StopCommand extends LifecycleCommand.WithTimeout {
    @Override
    void call(DaemonConnection daemon, LifecycleRequest request) {
        daemon.work().stop(request);
    }

    @Override
    String done() {
        return "Stopped";
    }
}
