package io.kukeon.cli;

import picocli.CommandLine.Command;

/** {@code image pull}, {@code load}, {@code ls}, {@code rm} and {@code prune}. */
@Command(name = "image", aliases = "img", mixinStandardHelpOptions = true, description = "Pull, load, list and remove the images of a realm.",
        subcommands = {ImagePullCommand.class, ImageLoadCommand.class, ImageListCommand.class, ImageRemoveCommands.Remove.class,
                ImageRemoveCommands.Prune.class},
        footer = {"%nExamples:",
                "  # the images of every realm",
                "  kuke image ls",
                "  # busybox from Docker Hub into realm demo",
                "  kuke image pull busybox --realm demo",
                "  # an OCI archive into realm demo",
                "  kuke image load busybox-oci.tar --realm demo"})
final class ImageCommand {
}
