package io.kukeon.cli;

import io.kukeon.wire.v1.LifecycleRequest;
import picocli.CommandLine.Command;

@Command(name = "kill", mixinStandardHelpOptions = true, description = "Kill a cell (or one container) with SIGKILL at once.")
final class KillCommand extends LifecycleCommand {
    @Override
    void call(DaemonConnection daemon, LifecycleRequest request) {
        daemon.work().kill(request);
    }

    @Override
    String done() {
        return "Killed";
    }
}
