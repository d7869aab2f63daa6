package io.kukeon.model;

import java.util.regex.Pattern;

/**
 * The one name rule of every level, what is safe everywhere a name goes (containerd identifiers
 * and namespaces, cgroup and file paths, hostnames): letters, digits, {@code -} and {@code .},
 * starting and ending with a letter or digit, never two of {@code -}/{@code .} in a row
 * (containerd's identifier rule), at most 63 characters. It rejects {@code .}, {@code ..},
 * {@code /}, {@code _}, whitespace, control characters and anything non-ASCII, so no name can
 * escape its cgroup, its log directory or its containerd identifier; and a name a cgroup's own
 * files have ({@code memory.max}, {@code cgroup.procs}), which its directory could not take.
 */
public final class Names {
    public static final int MAX_LENGTH = 63;
    public static final String RULE =
            "must be 1-63 characters of letters, digits, '-' and '.', starting and ending with a letter or digit,"
                    + " never two of '-' and '.' in a row";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]+([-.][A-Za-z0-9]+)*");
    /** The prefixes of the files of a cgroup directory (v1 and v2): a group cannot be named like one. */
    private static final Pattern CGROUP_FILE = Pattern.compile(
            "(cgroup|cpu|cpuacct|cpuset|io|memory|pids|hugetlb|rdma|misc|blkio|devices|freezer|net_cls|net_prio)\\..*");

    private Names() {}

    public static boolean isValid(String name) {
        return name != null && name.length() <= MAX_LENGTH && NAME.matcher(name).matches()
                && !CGROUP_FILE.matcher(name).matches();
    }

    /** Returns the name, or throws naming {@code field} and the rule. */
    /** A node of the fleet is named as a DNS label, like the names of kukeon's objects. */
    private static final Pattern NODE_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    public static String requireNodeName(String field, String name) {
        if (name == null || !NODE_NAME.matcher(name).matches()) {
            throw new InvalidArgumentException(field, "\"" + printable(String.valueOf(name)) + "\" must be at most 63"
                    + " lower-case letters, digits and '-', starting and ending with a letter or digit");
        }
        return name;
    }

    /** Whether {@code name} may name a node. */
    public static boolean isNodeName(String name) {
        return NODE_NAME.matcher(name).matches();
    }

    public static String require(String field, String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidArgumentException(field, "is required; it " + RULE);
        }
        if (name != null && name.length() <= MAX_LENGTH && CGROUP_FILE.matcher(name).matches()) {
            throw new InvalidArgumentException(field, "\"" + printable(name) + "\" is the name of a cgroup's own file;"
                    + " its cgroup could not be made (choose another name)");
        }
        if (!isValid(name)) {
            throw new InvalidArgumentException(field, "\"" + printable(name) + "\" " + RULE);
        }
        return name;
    }

    /** A name as it may be shown in an error: control characters escaped, cut to a sane length. */
    public static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length() && out.length() < 80; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else {
                out.append(c);
            }
        }
        if (out.length() >= 80) {
            out.append("...");
        }
        return out.toString();
    }
}
