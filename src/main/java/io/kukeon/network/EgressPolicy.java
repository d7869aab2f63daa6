package io.kukeon.network;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What a space's cells may reach outside their own space ({@code spec.network.egress}): a default
 * (allow or deny) and the targets allowed beyond it. IPv4 only, TCP ports only; a target without
 * ports allows every protocol. Read and validated from a manifest by {@link EgressPolicyReader}.
 *
 * <p>Whatever the default, cells of another space are reached only through an allowed target that
 * covers that space's subnet: a space is a network boundary.
 */
public record EgressPolicy(Default defaultAction, List<Target> allow) {

    /** Allow everything except other spaces: the policy of a space that gives none. */
    public static final EgressPolicy ALLOW_ALL = new EgressPolicy(Default.ALLOW, List.of());

    /** What happens to traffic no allowed target matches. */
    public enum Default {
        ALLOW, DENY;

        /** As written in a manifest: {@code allow}, {@code deny}. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One allowed destination: a host name (resolved to its IPv4 addresses when the rules are
     * applied) or an IPv4 network, and the TCP ports allowed there (empty: every port and protocol).
     */
    public record Target(String host, String cidr, List<Integer> ports) {
        public Target {
            if ((host == null) == (cidr == null)) {
                throw new IllegalArgumentException("a target has exactly one of host or cidr");
            }
            ports = List.copyOf(ports);
        }

        public static Target cidr(String cidr, Integer... ports) {
            return new Target(null, cidr, List.of(ports));
        }

        public static Target host(String host, Integer... ports) {
            return new Target(host, null, List.of(ports));
        }
    }

    public EgressPolicy {
        Objects.requireNonNull(defaultAction, "defaultAction");
        allow = List.copyOf(allow);
    }

    /** The policy as a manifest writes it: {@code {default: deny, allow: [{cidr: …, ports: […]}]}}. */
    public Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("default", defaultAction.word());
        if (!allow.isEmpty()) {
            List<Object> targets = new ArrayList<>();
            for (Target t : allow) {
                Map<String, Object> target = new LinkedHashMap<>();
                target.put(t.host() != null ? "host" : "cidr", t.host() != null ? t.host() : t.cidr());
                if (!t.ports().isEmpty()) {
                    target.put("ports", t.ports());
                }
                targets.add(target);
            }
            out.put("allow", targets);
        }
        return out;
    }
}
