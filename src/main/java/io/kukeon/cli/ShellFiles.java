package io.kukeon.cli;

import picocli.AutoComplete;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shell's files made from kuke's command model: {@code kuke completion} prints them, and the
 * build writes them into the distribution ({@code ShellFiles DIR}: {@code DIR/completion/kuke.bash}
 * and {@code DIR/completion/_kuke}). picocli's bash script also runs under zsh, through bashcompinit.
 */
public final class ShellFiles {
    private ShellFiles() {}

    /** Writes the files under {@code args[0]}, made from every command of kuke. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: ShellFiles DIR");
        }
        write(Path.of(args[0]), Kuke.everyCommand());
    }

    static void write(Path dir, CommandLine root) throws IOException {
        Path completion = Files.createDirectories(dir.resolve("completion"));
        Files.writeString(completion.resolve("kuke.bash"), bash(root), StandardCharsets.UTF_8);
        Files.writeString(completion.resolve("_kuke"), zsh(root), StandardCharsets.UTF_8);
    }

    static String bash(CommandLine root) {
        return AutoComplete.bash("kuke", root);
    }

    static String zsh(CommandLine root) {
        return "#compdef kuke\nautoload -U +X bashcompinit && bashcompinit\n" + bash(root);
    }
}
