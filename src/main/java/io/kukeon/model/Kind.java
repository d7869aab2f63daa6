package io.kukeon.model;

import java.util.Locale;

/** The five levels of the tree, outermost first. The ordinal is the depth (realm = 0). */
public enum Kind {
    REALM("Realm"),
    SPACE("Space"),
    STACK("Stack"),
    CELL("Cell"),
    CONTAINER("Container");

    private final String displayName;

    Kind(String displayName) {
        this.displayName = displayName;
    }

    /** As in manifests: {@code Realm}, {@code Cell}, ... */
    public String displayName() {
        return displayName;
    }

    /** As in messages: {@code realm}, {@code cell}, ... */
    public String label() {
        return displayName.toLowerCase(Locale.ROOT);
    }

    public int depth() {
        return ordinal();
    }

    public Kind parent() {
        return this == REALM ? null : values()[ordinal() - 1];
    }

    public Kind child() {
        return this == CONTAINER ? null : values()[ordinal() + 1];
    }

    /** Accepts {@code Cell}, {@code cell}, {@code cells}; throws naming the field otherwise. */
    public static Kind parse(String field, String text) {
        if (text != null) {
            String t = text.trim().toLowerCase(Locale.ROOT);
            for (Kind k : values()) {
                if (t.equals(k.label()) || t.equals(k.label() + "s")) {
                    return k;
                }
            }
        }
        throw new InvalidArgumentException(field,
                "unknown kind \"" + (text == null ? "" : Names.printable(text))
                        + "\"; one of Realm, Space, Stack, Cell, Container");
    }
}
