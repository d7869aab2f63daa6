package io.kukeon.cli;

import picocli.CommandLine.Command;

/** {@code image load} and {@code image ls}. */
@Command(name = "image", aliases = "img", mixinStandardHelpOptions = true, description = "Load and list images of a realm.",
        subcommands = {ImageLoadCommand.class, ImageListCommand.class})
final class ImageCommand {
}
