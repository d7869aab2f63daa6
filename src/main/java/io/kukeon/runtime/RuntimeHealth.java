package io.kukeon.runtime;

/** @param reason why the runtime is unavailable (null when available) */
public record RuntimeHealth(boolean available, String version, String reason) {
    public static RuntimeHealth up(String version) {
        return new RuntimeHealth(true, version, null);
    }

    public static RuntimeHealth down(String reason) {
        return new RuntimeHealth(false, null, reason);
    }
}
