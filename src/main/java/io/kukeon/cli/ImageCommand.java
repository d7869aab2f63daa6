package io.kukeon.cli;

import picocli.CommandLine.Command;

/** {@code image load} and {@code image ls}. */
@Command(name = "image", aliases = "img", mixinStandardHelpOptions = true, description = "Load and list images of a realm.",
        subcommands = {ImageLoadCommand.class, ImageListCommand.class},
        footer = {"%nExamples:",
                "  # the images of every realm",
                "  kuke image ls",
                "  # an OCI archive into realm demo",
                "  kuke image load busybox-oci.tar --realm demo"})
final class ImageCommand {
}
