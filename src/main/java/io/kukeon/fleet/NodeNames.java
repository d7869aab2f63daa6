package io.kukeon.fleet;

import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Metadata;
import io.kukeon.model.Names;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** A node's name and labels: what they may be, and the name a host gets by default. */
public final class NodeNames {
    private NodeNames() {}

    /** The host's name up to its first dot, in lower case; {@code node} when it has none that fits. */
    public static String ofThisHost() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = System.getenv().getOrDefault("HOSTNAME", "");
        }
        int dot = host.indexOf('.');
        String name = (dot > 0 ? host.substring(0, dot) : host).toLowerCase(Locale.ROOT);
        return Names.isNodeName(name) ? name : "node";
    }

    public static void check(String key, String name) {
        Names.requireNodeName(key, name);
    }

    /** {@code k=v,k2=v2} as labels, each as a manifest's label must be ({@link Metadata#validateLabels}). */
    public static Map<String, String> labels(String key, String text) {
        Map<String, String> labels = new TreeMap<>();
        for (String pair : text.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq < 0) {
                throw new InvalidArgumentException(key, "\"" + pair.trim() + "\" must be KEY=VALUE");
            }
            labels.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        try {
            Metadata.validateLabels(labels);
        } catch (InvalidArgumentException e) {
            throw new InvalidArgumentException(key, e.getMessage());
        }
        return labels;
    }
}
