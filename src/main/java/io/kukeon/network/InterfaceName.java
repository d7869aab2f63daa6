package io.kukeon.network;

import java.util.regex.Pattern;

/** Linux network interface names, as a CNI attachment and the egress chains take them. */
final class InterfaceName {
    /** At most 15 bytes (IFNAMSIZ less its NUL), none of them '/', ':' or white space; "." and ".." are not names. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");

    /** What {@link #isValid} allows, for error messages. */
    static final String RULE = "1-15 of A-Z a-z 0-9 _ . -";

    private InterfaceName() {}

    static boolean isValid(String name) {
        return name != null && NAME.matcher(name).matches() && !name.equals(".") && !name.equals("..");
    }
}
