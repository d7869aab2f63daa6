package io.kukeon.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The CNI plugin executables on a search path, and running one of them as the CNI spec says: the
 * command and the attachment in {@code CNI_*} variables, the plugin's config on stdin, the result
 * (or the spec's error object) on stdout. Every run goes through {@link HostCommand}, so it is
 * bounded in time and output and runs in the network namespace kukeond keeps its bridges in.
 */
public final class CniPlugins {
    /** Where plugins are looked for unless configured: the upstream place first, then Debian's. */
    public static final List<Path> DEFAULT_SEARCH_PATH = List.of(Path.of("/opt/cni/bin"), Path.of("/usr/lib/cni"));

    private final List<Path> searchPath;
    private final HostCommand host;

    public CniPlugins(List<Path> searchPath, HostCommand host) {
        if (searchPath.isEmpty()) {
            throw new IllegalArgumentException("the CNI plugin search path is empty");
        }
        this.searchPath = List.copyOf(searchPath);
        this.host = host;
    }

    public List<Path> searchPath() {
        return searchPath;
    }

    /** The search path as {@code CNI_PATH} and error messages write it. */
    public String searchPathText() {
        return searchPath.stream().map(Path::toString).collect(Collectors.joining(":"));
    }

    /**
     * The executable of plugin {@code type}: the first on the search path.
     *
     * @throws CniFailure naming the plugin and the search path when none is there
     */
    public Path find(String type) {
        return locate(type).orElseThrow(() -> new CniFailure(type, null, "CNI plugin \"" + type + "\" not found in " + searchPathText()));
    }

    /** The executable of plugin {@code type}, the first on the search path, or empty when none is there. */
    public Optional<Path> locate(String type) {
        for (Path dir : searchPath) {
            Path candidate = dir.resolve(type);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Runs one plugin.
     *
     * @param netns   the namespace, or null for none (a DEL after the namespace is gone)
     * @param cniArgs the {@code CNI_ARGS} value, {@code ""} for none
     * @return the result the plugin printed, or null when it printed none (DEL, CHECK)
     * @throws CniFailure naming the plugin, the command and the plugin's code and message
     */
    JsonNode run(String command, Attachment attachment, Path netns, String cniArgs, ObjectNode input) {
        String type = input.path("type").asText();
        Path executable = find(type);
        Map<String, String> environment = Map.of(
                "CNI_COMMAND", command,
                "CNI_CONTAINERID", attachment.containerId(),
                "CNI_NETNS", netns == null ? "" : netns.toString(),
                "CNI_IFNAME", attachment.ifName(),
                "CNI_ARGS", cniArgs,
                "CNI_PATH", searchPathText());
        String what = "CNI plugin " + type + " " + command + " (network " + attachment.network().name()
                + ", container " + attachment.containerId() + ")";
        HostCommand.Result ran;
        try {
            ran = host.run(List.of(executable.toString()), environment, CniJson.bytes(input));
        } catch (HostCommand.HostCommandTimeout e) {
            throw new CniFailure(type, null, what + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new CniFailure(type, null, what + " could not be run: " + e.getMessage(), e);
        }
        if (!ran.succeeded()) {
            throw failure(type, what, ran);
        }
        if (ran.stdout().isBlank()) {
            if (command.equals("ADD")) {
                throw new CniFailure(type, null, what + " printed no result");
            }
            return null;
        }
        ObjectNode result = CniJson.objectOrNull(ran.stdout());
        if (result == null) {
            throw new CniFailure(type, null, what + " printed something that is not a JSON result: " + HostCommand.oneLine(ran.stdout()));
        }
        return result;
    }

    /** The spec's error object {@code {code, msg, details}} when the plugin printed one, else its stderr. */
    private static CniFailure failure(String type, String what, HostCommand.Result ran) {
        ObjectNode error = CniJson.objectOrNull(ran.stdout());
        if (error != null && error.has("code")) {
            String details = error.path("details").asText("");
            return new CniFailure(type, error.path("code").asInt(),
                    what + " failed with code " + error.path("code").asInt() + ": " + error.path("msg").asText("")
                            + (details.isEmpty() ? "" : " (" + HostCommand.oneLine(details) + ")"));
        }
        String said = ran.stderr().isBlank() ? ran.stdout() : ran.stderr();
        return new CniFailure(type, null, what + " exited with " + ran.exitCode()
                + (said.isBlank() ? "" : ": " + HostCommand.oneLine(said)));
    }
}
