package io.kukeon.network;

import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Names;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code spec.network.egress} from the plain maps and lists a YAML parser gives. Strict:
 * every error is an {@link InvalidArgumentException} naming the field
 * ({@code spec.network.egress.allow[2].cidr}) and the rule it breaks.
 */
public final class EgressPolicyReader {
    /** Allowed targets per space; each host may become up to {@link HostResolver#MAX_ADDRESSES} rules. */
    public static final int MAX_TARGETS = 64;
    /** Ports per target: one iptables multiport match takes at most 15. */
    public static final int MAX_PORTS = 15;
    public static final int MAX_HOST_LENGTH = 253;

    private static final Pattern HOST_NAME =
            Pattern.compile("(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");

    private EgressPolicyReader() {}

    /**
     * @param egress the value of the field (a map), or null when the space gives no policy
     * @param field  where it stands, e.g. {@code spec.network.egress}
     * @return the policy; {@link EgressPolicy#ALLOW_ALL} when {@code egress} is null
     */
    public static EgressPolicy read(Object egress, String field) {
        if (egress == null) {
            return EgressPolicy.ALLOW_ALL;
        }
        Map<?, ?> map = mapping(egress, field, "a mapping with default and allow");
        rejectUnknown(map, field, Set.of("default", "allow"), "default or allow");
        EgressPolicy.Default defaultAction = defaultAction(map.get("default"), field + ".default");
        List<EgressPolicy.Target> allow = new ArrayList<>();
        Object targets = map.get("allow");
        if (targets != null) {
            List<?> list = list(targets, field + ".allow", "a list of {host or cidr, ports}");
            if (list.size() > MAX_TARGETS) {
                throw new InvalidArgumentException(field + ".allow", "has " + list.size() + " targets; at most " + MAX_TARGETS);
            }
            for (int i = 0; i < list.size(); i++) {
                allow.add(target(list.get(i), field + ".allow[" + i + "]"));
            }
        }
        return new EgressPolicy(defaultAction, allow);
    }

    private static EgressPolicy.Default defaultAction(Object value, String field) {
        if (value == null) {
            throw new InvalidArgumentException(field, "is required: allow or deny");
        }
        if (value instanceof String word) {
            for (EgressPolicy.Default d : EgressPolicy.Default.values()) {
                if (d.word().equals(word)) {
                    return d;
                }
            }
        }
        throw new InvalidArgumentException(field, describe(value) + " is not allow or deny");
    }

    private static EgressPolicy.Target target(Object value, String field) {
        Map<?, ?> map = mapping(value, field, "a mapping with host or cidr, and ports");
        rejectUnknown(map, field, Set.of("host", "cidr", "ports"), "host, cidr or ports");
        Object host = map.get("host");
        Object cidr = map.get("cidr");
        if ((host == null) == (cidr == null)) {
            throw new InvalidArgumentException(field, host == null
                    ? "needs a host or a cidr" : "has both host and cidr; give exactly one");
        }
        List<Integer> ports = ports(map.get("ports"), field + ".ports");
        if (host != null) {
            return new EgressPolicy.Target(host(host, field + ".host"), null, ports);
        }
        if (!(cidr instanceof String text)) {
            throw new InvalidArgumentException(field + ".cidr", "expected an IPv4 network like 10.0.0.0/8 (got " + describe(cidr) + ")");
        }
        return new EgressPolicy.Target(null, Ipv4Subnet.parse(text, field + ".cidr").toString(), ports);
    }

    private static String host(Object value, String field) {
        if (!(value instanceof String host)) {
            throw new InvalidArgumentException(field, "expected a host name (got " + describe(value) + ")");
        }
        Ipv4.refuseIpv6(field, host);
        if (host.matches("[0-9.]+") && !Ipv4.isAddress(host)) {
            throw new InvalidArgumentException(field, "\"" + host + "\" is not an IPv4 address (4 numbers 0..255)");
        }
        if (host.length() > MAX_HOST_LENGTH || !HOST_NAME.matcher(host).matches()) {
            throw new InvalidArgumentException(field, "\"" + Names.printable(host) + "\" is not a host name"
                    + " (labels of letters, digits and '-' joined by '.', at most " + MAX_HOST_LENGTH + " characters)");
        }
        return host;
    }

    private static List<Integer> ports(Object value, String field) {
        if (value == null) {
            return List.of();
        }
        List<?> list = list(value, field, "a list of TCP ports");
        if (list.isEmpty()) {
            throw new InvalidArgumentException(field, "is empty; leave ports out to allow every port and protocol");
        }
        if (list.size() > MAX_PORTS) {
            throw new InvalidArgumentException(field, "has " + list.size() + " ports; at most " + MAX_PORTS);
        }
        List<Integer> ports = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            Object p = list.get(i);
            String at = field + "[" + i + "]";
            if (!(p instanceof Integer || p instanceof Long || p instanceof BigInteger)) {
                throw new InvalidArgumentException(at, "expected a port number 1..65535 (got " + describe(p) + ")");
            }
            BigInteger port = new BigInteger(p.toString());
            if (port.compareTo(BigInteger.ONE) < 0 || port.compareTo(BigInteger.valueOf(65535)) > 0) {
                throw new InvalidArgumentException(at, port + " is not a port: 1..65535");
            }
            if (!seen.add(port.intValue())) {
                throw new InvalidArgumentException(at, port + " is given twice");
            }
            ports.add(port.intValue());
        }
        return ports;
    }

    private static Map<?, ?> mapping(Object value, String field, String expected) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new InvalidArgumentException(field, "expected " + expected + " (got " + describe(value) + ")");
        }
        return map;
    }

    private static List<?> list(Object value, String field, String expected) {
        if (!(value instanceof List<?> list)) {
            throw new InvalidArgumentException(field, "expected " + expected + " (got " + describe(value) + ")");
        }
        return list;
    }

    private static void rejectUnknown(Map<?, ?> map, String field, Set<String> known, String expected) {
        for (Object key : map.keySet()) {
            if (!known.contains(String.valueOf(key))) {
                throw new InvalidArgumentException(field + "." + Names.printable(String.valueOf(key)),
                        "is not a known field; expected " + expected);
            }
        }
    }

    private static String describe(Object value) {
        if (value == null) {
            return "nothing";
        }
        if (value instanceof String s) {
            return "\"" + Names.printable(s) + "\"";
        }
        if (value instanceof Map) {
            return "a mapping";
        }
        if (value instanceof List) {
            return "a list";
        }
        if (value instanceof Boolean || value instanceof Number) {
            return value.toString();
        }
        return "a " + value.getClass().getSimpleName();
    }
}
