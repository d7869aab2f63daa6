package io.kukeon.cli;

import io.kukeon.model.Sizes;
import io.kukeon.wire.v1.Image;
import io.kukeon.wire.v1.RemoveImagesRequest;
import io.kukeon.wire.v1.RemoveImagesResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

/** {@code image rm} and {@code image prune}: images of a realm removed, each printed, and the space that frees. */
final class ImageRemoveCommands {
    private ImageRemoveCommands() {}

    /** What both print: a line per image removed, then the sum. */
    static String report(RemoveImagesResponse removed) {
        StringBuilder out = new StringBuilder();
        for (Image i : removed.getRemovedList()) {
            out.append("Removed ").append(i.getName()).append(" (").append(Sizes.of(i.getSize())).append(")\n");
        }
        return out.append("Freed ").append(Sizes.of(removed.getFreedBytes())).append(".\n").toString();
    }

    @Command(name = "rm", aliases = "remove", mixinStandardHelpOptions = true,
            description = {"Remove images of a realm; refused, naming the cells, while a cell of the realm uses one",
                    "(nothing is removed then), unless --force."},
            footer = {"%nExamples:",
                    "  # busybox of realm default (docker.io/library/busybox:latest)",
                    "  kuke image rm busybox",
                    "  # an image of realm demo that its cells still use",
                    "  kuke image rm docker.io/library/nginx:1.27 --realm demo --force"})
    static final class Remove extends DaemonCommand {
        @Parameters(index = "0..*", arity = "1..*", paramLabel = "IMAGE", description = "As image ls prints it, or short (busybox).")
        List<String> names = new ArrayList<>();

        @Option(names = "--realm", defaultValue = "default", description = "Realm (default: ${DEFAULT-VALUE}).")
        String realm;

        @Option(names = "--force", description = "Remove images cells use (running containers keep what they have).")
        boolean force;

        @Override
        int run(DaemonConnection daemon) {
            out().print(report(daemon.work().removeImages(RemoveImagesRequest.newBuilder().setRealm(realm)
                    .addAllNames(names).setForce(force).build())));
            return Kuke.OK;
        }
    }

    @Command(name = "prune", mixinStandardHelpOptions = true,
            description = "Remove every image of a realm that no cell of it uses; print each, and the space freed.",
            footer = {"%nExamples:",
                    "  # the unused images of realm default",
                    "  kuke image prune",
                    "  # those of realm demo",
                    "  kuke image prune --realm demo"})
    static final class Prune extends DaemonCommand {
        @Option(names = "--realm", defaultValue = "default", description = "Realm (default: ${DEFAULT-VALUE}).")
        String realm;

        @Override
        int run(DaemonConnection daemon) {
            out().print(report(daemon.work().removeImages(RemoveImagesRequest.newBuilder().setRealm(realm).setUnused(true).build())));
            return Kuke.OK;
        }
    }
}
