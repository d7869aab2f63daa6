package io.kukeon.cli;

import picocli.CommandLine.Command;

/** {@code image load}, {@code ls}, {@code rm} and {@code prune}. */
@Command(name = "image", aliases = "img", mixinStandardHelpOptions = true, description = "Load, list and remove the images of a realm.",
        subcommands = {ImageLoadCommand.class, ImageListCommand.class, ImageRemoveCommands.Remove.class,
                ImageRemoveCommands.Prune.class},
        footer = {"%nExamples:",
                "  # the images of every realm",
                "  kuke image ls",
                "  # an OCI archive into realm demo",
                "  kuke image load busybox-oci.tar --realm demo"})
final class ImageCommand {
}
