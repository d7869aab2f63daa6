package io.kukeon.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tiny CNI plugins as shell scripts in a directory: each run records its {@code CNI_*} variables
 * and its stdin, then answers ADD with the result it was given; marker files make a command fail
 * (with the spec's error object) or hang.
 */
final class FakePlugins {
    /** One run of a fake plugin, in the order they ran. */
    record Call(String type, String command, Map<String, String> environment, ObjectNode input) {}

    final Path bin;
    private final Path calls;

    FakePlugins(Path dir) throws IOException {
        this.bin = Files.createDirectories(dir.resolve("bin"));
        this.calls = Files.createDirectories(dir.resolve("calls"));
    }

    /** A plugin answering ADD with {@code result} (JSON). */
    void plugin(String type, String result) throws IOException {
        Files.writeString(bin.resolve(type + ".result"), result);
        String script = """
                #!/bin/sh
                calls=%s
                bin=%s
                seq=$(( $(cat "$calls/seq" 2>/dev/null || echo 0) + 1 ))
                echo "$seq" > "$calls/seq"
                cat > "$calls/$seq.stdin"
                echo "%s $CNI_COMMAND" > "$calls/$seq.call"
                env | grep '^CNI_' > "$calls/$seq.env"
                [ -f "$bin/%s.$CNI_COMMAND.hangs" ] && sleep 30
                if [ -f "$bin/%s.$CNI_COMMAND.fails" ]; then
                  printf '{"code": 11, "msg": "%s said no to %%s", "details": "try later"}' "$CNI_COMMAND"
                  exit 1
                fi
                [ "$CNI_COMMAND" = ADD ] && cat "$bin/%s.result"
                exit 0
                """.formatted(calls, bin, type, type, type, type, type);
        Path file = bin.resolve(type);
        Files.writeString(file, script);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    }

    /** A plugin that exits 2 printing only to stderr, as a broken one would. */
    void brokenPlugin(String type) throws IOException {
        Path file = bin.resolve(type);
        Files.writeString(file, "#!/bin/sh\necho 'segfault in plugin' >&2\nexit 2\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    }

    void failOn(String type, String command) throws IOException {
        Files.writeString(bin.resolve(type + "." + command + ".fails"), "");
    }

    void succeedOn(String type, String command) throws IOException {
        Files.deleteIfExists(bin.resolve(type + "." + command + ".fails"));
    }

    void hangOn(String type, String command) throws IOException {
        Files.writeString(bin.resolve(type + "." + command + ".hangs"), "");
    }

    /** Every run so far, oldest first. */
    List<Call> calls() throws IOException {
        List<Call> all = new ArrayList<>();
        Path seqFile = calls.resolve("seq");
        int count = Files.exists(seqFile) ? Integer.parseInt(Files.readString(seqFile).strip()) : 0;
        for (int i = 1; i <= count; i++) {
            String[] call = Files.readString(calls.resolve(i + ".call")).strip().split(" ");
            Map<String, String> environment = new LinkedHashMap<>();
            for (String line : Files.readAllLines(calls.resolve(i + ".env"), StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                environment.put(line.substring(0, eq), line.substring(eq + 1));
            }
            all.add(new Call(call[0], call[1], environment, CniJson.object(Files.readString(calls.resolve(i + ".stdin")))));
        }
        return all;
    }

    /** The runs so far as "type COMMAND" lines, oldest first. */
    List<String> order() throws IOException {
        return calls().stream().map(c -> c.type() + " " + c.command()).toList();
    }

    /** Forgets the runs so far. */
    void clearCalls() throws IOException {
        try (var files = Files.list(calls)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
    }

    static JsonNode json(String text) {
        return CniJson.object(text);
    }
}
