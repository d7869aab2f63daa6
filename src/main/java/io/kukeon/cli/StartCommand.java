package io.kukeon.cli;

import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.ObjectResponse;
import picocli.CommandLine.Command;

@Command(name = "start", mixinStandardHelpOptions = true, description = "Start a cell (or one container).",
        footer = {"%nExamples:",
                "  # cell web of default/default/default",
                "  kuke start web",
                "  # container app of cell web in demo/shop/web",
                "  kuke start web --container app --realm demo --space shop --stack web"})
final class StartCommand extends LifecycleCommand {
    @Override
    ObjectResponse call(DaemonConnection daemon, LifecycleRequest request) {
        return daemon.work().start(request);
    }

    @Override
    String done() {
        return "Started";
    }

    @Override
    boolean startsSomething() {
        return true;
    }
}
