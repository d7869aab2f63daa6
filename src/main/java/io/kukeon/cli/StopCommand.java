package io.kukeon.cli;

import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.ObjectResponse;
import picocli.CommandLine.Command;

@Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop a cell (or one container): SIGTERM, then SIGKILL after the timeout.")
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
