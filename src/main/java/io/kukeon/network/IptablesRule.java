package io.kukeon.network;

/**
 * One rule of the filter table as {@code iptables -S} prints it: its chain and its spec (what
 * follows {@code -A CHAIN}). Plans are written in that exact form, so what is wanted and what
 * the kernel has compare as strings.
 */
public record IptablesRule(String chain, String spec) {
    /** Parses a {@code -A CHAIN SPEC} line of {@code iptables -S}, or null for any other line. */
    public static IptablesRule parse(String line) {
        if (!line.startsWith("-A ")) {
            return null;
        }
        int space = line.indexOf(' ', 3);
        return space < 0 ? new IptablesRule(line.substring(3), "") : new IptablesRule(line.substring(3, space), line.substring(space + 1));
    }

    /** The {@code -j} target, or null. */
    public String target() {
        int at = spec.lastIndexOf("-j ");
        return at < 0 ? null : spec.substring(at + 3).trim();
    }

    public String append() {
        return "-A " + chain + " " + spec;
    }

    public String insertFirst() {
        return "-I " + chain + " 1 " + spec;
    }

    public String delete() {
        return "-D " + chain + " " + spec;
    }

    @Override
    public String toString() {
        return append();
    }
}
