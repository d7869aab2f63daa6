package io.kukeon.model;

/**
 * One secret a container receives (the reference's {@code secrets[]} entry): its value comes from
 * exactly one source, read by kukeond each time the container starts, and never stored with the spec.
 *
 * @param name      the environment variable's name, or the secret's name in messages when mounted
 * @param fromFile  an absolute path of kukeond's host whose bytes are the value
 * @param fromEnv   a variable of kukeond's own environment whose value is the value
 * @param mountPath with it, the value is a read-only 0400 file at this path (owned by the container's
 *                  user) instead of an environment variable
 * @param secretRef a stored Secret whose value is the value
 */
public record ContainerSecret(String name, String fromFile, String fromEnv, String mountPath, SecretRef secretRef) {
    /** Bytes kukeond reads for one value: enough for a key or a certificate chain, not for a data set. */
    public static final int MAX_VALUE_BYTES = 1 << 20;
    public static final int MAX_SECRETS = 64;

    public ContainerSecret {
        fromFile = blankToNull(fromFile);
        fromEnv = blankToNull(fromEnv);
        mountPath = blankToNull(mountPath);
    }

    /** A secret from a host file or kukeond's environment. */
    public ContainerSecret(String name, String fromFile, String fromEnv, String mountPath) {
        this(name, fromFile, fromEnv, mountPath, null);
    }

    public static ContainerSecret fromEnv(String name, String variable, String mountPath) {
        return new ContainerSecret(name, null, variable, mountPath);
    }

    public static ContainerSecret fromFile(String name, String hostPath, String mountPath) {
        return new ContainerSecret(name, hostPath, null, mountPath);
    }

    public boolean mounted() {
        return mountPath != null;
    }

    /** Where the value comes from, for messages: never the value itself. */
    public String source() {
        return secretRef != null ? secretRef.describe() : fromFile != null ? "file " + fromFile
                : "kukeond's environment variable " + fromEnv;
    }

    public void validate(String field) {
        if (name == null || name.isEmpty()) {
            throw new InvalidArgumentException(field + ".name", "is required");
        }
        if (!name.matches("[A-Za-z_][A-Za-z0-9_.-]{0,127}")) {
            throw new InvalidArgumentException(field + ".name", "\"" + Names.printable(name)
                    + "\" must be letters, digits, '_', '.' or '-', not starting with a digit, at most 128 characters");
        }
        if (mountPath == null && !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new InvalidArgumentException(field + ".name", "\"" + Names.printable(name)
                    + "\" must be an environment variable name (letters, digits, '_') when there is no mountPath");
        }
        if ((fromFile != null ? 1 : 0) + (fromEnv != null ? 1 : 0) + (secretRef != null ? 1 : 0) != 1) {
            throw new InvalidArgumentException(field, "needs exactly one of fromFile, fromEnv or secretRef");
        }
        if (secretRef != null) {
            secretRef.validate(field + ".secretRef");
        }
        if (fromFile != null) {
            MountRules.requireNormalisedAbsolute(field + ".fromFile", fromFile);
        }
        if (fromEnv != null && !fromEnv.matches("[A-Za-z_][A-Za-z0-9_]{0,255}")) {
            throw new InvalidArgumentException(field + ".fromEnv", "\"" + Names.printable(fromEnv)
                    + "\" must be an environment variable name (letters, digits, '_')");
        }
        if (mountPath != null) {
            MountRules.requireTarget(field + ".mountPath", mountPath);   // a secret's file is a mount like the others
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
