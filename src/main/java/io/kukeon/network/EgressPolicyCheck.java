package io.kukeon.network;

import io.kukeon.model.EgressPolicy;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Names;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules of a space's {@code spec.network.egress} beyond its shape (which the manifest reader
 * and the wire mapping enforce): IPv4 networks without host bits, host names, TCP ports and the
 * limits the iptables chains need. Every error is an {@link InvalidArgumentException} naming the
 * field ({@code spec.network.egress.allow[2].cidr}) and the rule it breaks.
 */
public final class EgressPolicyCheck {
    /** Allowed targets per space; each host may become up to {@link HostResolver#MAX_ADDRESSES} rules. */
    public static final int MAX_TARGETS = 64;
    /** Ports per target: one iptables multiport match takes at most 15. */
    public static final int MAX_PORTS = 15;
    public static final int MAX_HOST_LENGTH = 253;

    private static final Pattern HOST_NAME =
            Pattern.compile("(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");

    private EgressPolicyCheck() {}

    /** @param field where the policy stands, e.g. {@code spec.network.egress} */
    public static void check(EgressPolicy policy, String field) {
        if (policy.allow().size() > MAX_TARGETS) {
            throw new InvalidArgumentException(field + ".allow", "has " + policy.allow().size() + " targets; at most " + MAX_TARGETS);
        }
        for (int i = 0; i < policy.allow().size(); i++) {
            EgressPolicy.Target target = policy.allow().get(i);
            String at = field + ".allow[" + i + "]";
            if (target.host() != null) {
                checkHost(target.host(), at + ".host");
            } else {
                Ipv4Subnet.parse(target.cidr(), at + ".cidr");
            }
            checkPorts(target.ports(), at + ".ports");
        }
    }

    private static void checkHost(String host, String field) {
        Ipv4.refuseIpv6(field, host);
        if (host.matches("[0-9.]+") && !Ipv4.isAddress(host)) {
            throw new InvalidArgumentException(field, "\"" + host + "\" is not an IPv4 address (4 numbers 0..255)");
        }
        if (host.length() > MAX_HOST_LENGTH || !HOST_NAME.matcher(host).matches()) {
            throw new InvalidArgumentException(field, "\"" + Names.printable(host) + "\" is not a host name"
                    + " (labels of letters, digits and '-' joined by '.', at most " + MAX_HOST_LENGTH + " characters)");
        }
    }

    private static void checkPorts(List<Integer> ports, String field) {
        if (ports.size() > MAX_PORTS) {
            throw new InvalidArgumentException(field, "has " + ports.size() + " ports; at most " + MAX_PORTS);
        }
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            int port = ports.get(i);
            String at = field + "[" + i + "]";
            if (port < 1 || port > 65535) {
                throw new InvalidArgumentException(at, port + " is not a port: 1..65535");
            }
            if (!seen.add(port)) {
                throw new InvalidArgumentException(at, port + " is given twice");
            }
        }
    }
}
