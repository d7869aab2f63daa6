package io.kukeon.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What a space's cells may reach outside their own space ({@code spec.network.egress}): a default
 * (allow or deny) and the targets allowed beyond it. IPv4 only, TCP ports only; a target without
 * ports allows every protocol. A manifest's {@code spec.network.egress}; its addresses and limits are
 * checked by {@code io.kukeon.network.EgressPolicyCheck} before the tree sees it.
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

        /** The default a manifest or a request names in {@code field}: {@code allow} or {@code deny}. */
        public static Default parse(String field, String word) {
            if (word == null || word.isEmpty()) {
                throw new InvalidArgumentException(field, "is required: allow or deny");
            }
            for (Default d : values()) {
                if (d.word().equals(word)) {
                    return d;
                }
            }
            throw new InvalidArgumentException(field, "\"" + Names.printable(word) + "\" is not allow or deny");
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

        /** A target as a request gives it in {@code field} (empty strings are absent), refused unless it has exactly one of host or cidr. */
        public static Target of(String field, String host, String cidr, List<Integer> ports) {
            host = host == null || host.isEmpty() ? null : host;
            cidr = cidr == null || cidr.isEmpty() ? null : cidr;
            if ((host == null) == (cidr == null)) {
                throw new InvalidArgumentException(field, host == null
                        ? "needs a host or a cidr" : "has both host and cidr; give exactly one");
            }
            return new Target(host, cidr, ports);
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

    /** For a table: the default, and {@code +N} for N allowed targets ({@code allow}, {@code deny+2}). */
    public String summary() {
        return defaultAction.word() + (allow.isEmpty() ? "" : "+" + allow.size());
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
