package io.kukeon.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes what a distribution installs for shells, from kuke's command model:
 * {@code DIR/completion/{kuke.bash,_kuke,kuke.fish}} and {@code DIR/man/man1/*.1}.
 * Usage: {@code java -cp … io.kukeon.cli.ShellFiles DIR}.
 */
public final class ShellFiles {
    private ShellFiles() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ShellFiles DIR");
            System.exit(Kuke.USAGE);
        }
        write(Path.of(args[0]));
    }

    static void write(Path dir) throws IOException {
        CommandLine kuke = Kuke.model();
        Path completion = Files.createDirectories(dir.resolve("completion"));
        for (CompletionCommand.Shell shell : CompletionCommand.Shell.values()) {
            Files.writeString(completion.resolve(shell.fileName), shell.script(kuke), StandardCharsets.UTF_8);
        }
        Path man = Files.createDirectories(dir.resolve("man/man1"));
        for (Map.Entry<String, String> page : ManPages.pages(kuke).entrySet()) {
            Files.writeString(man.resolve(page.getKey()), page.getValue(), StandardCharsets.UTF_8);
        }
    }
}
