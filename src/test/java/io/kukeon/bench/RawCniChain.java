package io.kukeon.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kukeon.network.CniPlugins;
import io.kukeon.network.HostCommand;
import io.kukeon.network.NetworkConfigList;
import io.kukeon.network.PluginConfig;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The raw baseline's network: a space's plugin chain executed directly as the CNI spec says (the
 * command and attachment in {@code CNI_*} variables, each plugin's config with the list's name,
 * version and the previous result on stdin, the result on stdout), in the network namespace that
 * holds the bridge, entered with {@code nsenter --net} as kukeond enters its own. Nothing else: no
 * result cache, no masquerade clean-up, no bridge made beforehand (the bridge plugin makes it).
 * Not {@link HostCommand}: what kukeond's runner adds on top of a bare exec is part of what the
 * benchmark compares.
 */
final class RawCniChain {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INTERFACE = "eth0";
    private static final long TIMEOUT_SECONDS = 10;

    private final NetworkConfigList network;
    private final Path bridgeNamespace;
    private final List<Path> executables = new ArrayList<>();
    private final String pluginPath;
    private final Map<String, JsonNode> results = new java.util.concurrent.ConcurrentHashMap<>();   // ApplyBenchmark adds at once

    /** @param bridgeNamespace where the bridge, host veths and NAT rules are made ({@code /run/netns/NAME}) */
    RawCniChain(NetworkConfigList network, CniPlugins plugins, Path bridgeNamespace) {
        this.network = network;
        this.bridgeNamespace = bridgeNamespace;
        this.pluginPath = plugins.searchPathText();
        for (PluginConfig p : network.plugins()) {
            executables.add(plugins.find(p.type()));
        }
    }

    /** ADD through the chain; each plugin gets the previous one's result. */
    void add(String containerId, Path netns) throws IOException {
        JsonNode result = null;
        for (int i = 0; i < executables.size(); i++) {
            String out = exec(i, "ADD", containerId, netns, input(i, result));
            result = JSON.readTree(out);
        }
        results.put(containerId, result);
    }

    /** DEL in reverse order, each plugin given the ADD's final result. */
    void delete(String containerId, Path netns) throws IOException {
        JsonNode result = results.remove(containerId);
        for (int i = executables.size() - 1; i >= 0; i--) {
            exec(i, "DEL", containerId, netns, input(i, result));
        }
    }

    /** The containers added and not deleted yet. */
    List<String> added() {
        return List.copyOf(results.keySet());
    }

    private byte[] input(int index, JsonNode prevResult) throws IOException {
        ObjectNode input = network.plugins().get(index).tree();
        input.put("name", network.name());
        input.put("cniVersion", network.cniVersion());
        if (prevResult != null) {
            input.set("prevResult", prevResult);
        }
        return JSON.writeValueAsBytes(input);
    }

    private String exec(int index, String command, String containerId, Path netns, byte[] stdin) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("nsenter", "--net=" + bridgeNamespace, "--", executables.get(index).toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        Map<String, String> env = builder.environment();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", containerId);
        env.put("CNI_NETNS", netns == null ? "" : netns.toString());
        env.put("CNI_IFNAME", INTERFACE);
        env.put("CNI_ARGS", "");
        env.put("CNI_PATH", pluginPath);
        Process process = builder.start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin);
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(executables.get(index) + " " + command + " did not end within " + TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (process.exitValue() != 0) {
            throw new IOException(executables.get(index) + " " + command + " of " + containerId + " exited with "
                    + process.exitValue() + ": " + HostCommand.oneLine(out));
        }
        return out;
    }
}
