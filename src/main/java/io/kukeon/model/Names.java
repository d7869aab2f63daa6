package io.kukeon.model;

import java.util.regex.Pattern;

/**
 * The one name rule of every level: a DNS-1123 label (without {@code --}, which containerd's
 * identifier rule refuses). It rejects {@code .}, {@code ..}, {@code /}, {@code _}, NUL, upper case
 * and anything non-ASCII, so no name can escape its cgroup, its log directory or its containerd
 * identifier.
 */
public final class Names {
    public static final int MAX_LENGTH = 63;
    public static final String RULE =
            "must be a DNS-1123 label: 1-63 characters of a-z, 0-9 and '-', starting and ending with a letter or digit"
                    + " (and no \"--\", which containerd's identifiers refuse)";
    // A DNS-1123 label whose hyphens are single: names become containerd IDs and namespaces.
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    private Names() {}

    public static boolean isValid(String name) {
        return name != null && name.length() <= MAX_LENGTH && LABEL.matcher(name).matches();
    }

    /** Returns the name, or throws naming {@code field} and the rule. */
    public static String require(String field, String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidArgumentException(field, "is required; it " + RULE);
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
