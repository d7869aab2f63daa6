package io.kukeon.network;

import io.kukeon.model.KukeonException;

/**
 * A CNI operation failed: a plugin answered with the spec's error ({@code code}, {@code msg},
 * {@code details}), could not be found or run, or did not finish in time. The message names the
 * plugin, the command and what it said.
 */
public final class CniFailure extends KukeonException {
    public static final String KIND = "NetworkFailure";

    private final String plugin;
    private final Integer code;

    public CniFailure(String plugin, Integer code, String message, Throwable cause) {
        super(message, cause);
        this.plugin = plugin;
        this.code = code;
    }

    public CniFailure(String plugin, Integer code, String message) {
        this(plugin, code, message, null);
    }

    /** The plugin type that failed, or null when the failure is not one plugin's. */
    public String plugin() {
        return plugin;
    }

    /** The CNI error code the plugin gave, or null when it gave none. */
    public Integer code() {
        return code;
    }

    @Override
    public String kind() {
        return KIND;
    }
}
