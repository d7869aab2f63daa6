package io.kukeon.model;

/**
 * A login for an image registry. {@code serverAddress} empty means "any registry without a
 * credential of its own". The password never appears in {@link #toString()}.
 */
public record RegistryCredential(String username, String password, String serverAddress) {
    /** What a password reads as outside the daemon; applying it back keeps the stored password. */
    public static final String REDACTED = "<redacted>";

    public RegistryCredential {
        serverAddress = serverAddress == null ? "" : serverAddress.trim();
    }

    public void validate(String field) {
        if (username == null || username.isEmpty()) {
            throw new InvalidArgumentException(field + ".username", "is required");
        }
        if (password == null) {
            throw new InvalidArgumentException(field + ".password", "is required");
        }
        if (username.length() > 256 || password.length() > 4096 || serverAddress.length() > 256) {
            throw new InvalidArgumentException(field, "username, password or serverAddress is too long");
        }
        if (!serverAddress.isEmpty() && !serverAddress.matches("[A-Za-z0-9.-]+(:\\d{1,5})?")) {
            throw new InvalidArgumentException(field + ".serverAddress",
                    "must be a registry host, optionally with a port, e.g. registry.example.com:5000");
        }
    }

    @Override
    public String toString() {
        return "RegistryCredential[username=" + username + ", password=<redacted>, serverAddress=" + serverAddress + "]";
    }
}
