package io.kukeon.fleet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A node's name, labels, capacity and start time, carried in its cluster roles: membership itself
 * then says what each node is and offers, on every member, without a protocol of our own.
 */
final class NodeRoles {
    private static final String NAME = "kukeon-node=";
    private static final String LABEL = "label:";
    private static final String CPU = "cpu-millis=";
    private static final String MEMORY = "memory-bytes=";
    private static final String SINCE = "since-millis=";

    private NodeRoles() {}

    static List<String> of(String name, Map<String, String> labels, NodeCapacity capacity, long sinceMillis) {
        List<String> roles = new ArrayList<>();
        roles.add(NAME + name);
        new TreeMap<>(labels).forEach((k, v) -> roles.add(LABEL + k + "=" + v));
        roles.add(CPU + capacity.cpuMillis());
        roles.add(MEMORY + capacity.memoryBytes());
        roles.add(SINCE + sinceMillis);
        return roles;
    }

    /** What a member's roles say; null for a member that is not a kukeond. */
    static Described read(Set<String> roles) {
        String name = null;
        Map<String, String> labels = new TreeMap<>();
        long cpu = 0;
        long memory = 0;
        long since = 0;
        for (String role : roles) {
            if (role.startsWith(NAME)) {
                name = role.substring(NAME.length());
            } else if (role.startsWith(LABEL)) {
                String label = role.substring(LABEL.length());
                int eq = label.indexOf('=');
                labels.put(label.substring(0, eq), label.substring(eq + 1));
            } else if (role.startsWith(CPU)) {
                cpu = Long.parseLong(role.substring(CPU.length()));
            } else if (role.startsWith(MEMORY)) {
                memory = Long.parseLong(role.substring(MEMORY.length()));
            } else if (role.startsWith(SINCE)) {
                since = Long.parseLong(role.substring(SINCE.length()));
            }
        }
        return name == null ? null : new Described(name, labels, new NodeCapacity(cpu, memory), since);
    }

    record Described(String name, Map<String, String> labels, NodeCapacity capacity, long sinceMillis) {}
}
