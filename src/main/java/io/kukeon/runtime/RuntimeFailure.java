package io.kukeon.runtime;

import io.kukeon.model.KukeonException;

/**
 * containerd, or a registry, refused a request. {@link #kind()} is stable: {@code ImageNotFound},
 * {@code Unauthorized}, {@code RegistryUnreachable}, {@code RuntimeError}, ...
 */
public final class RuntimeFailure extends KukeonException {
    /** The image is not where it was looked for (the realm's namespace, or the registry). */
    public static final String IMAGE_NOT_FOUND = "ImageNotFound";
    /** A realm's namespace is another realm's, or was made by someone else and holds things. */
    public static final String NAMESPACE_NOT_OURS = "NamespaceNotOurs";

    /** An exec's command is not in the container (a shell's 127). */
    public static final String COMMAND_NOT_FOUND = "CommandNotFound";
    /** An exec's command is there but cannot be run (a shell's 126). */
    public static final String COMMAND_CANNOT_RUN = "CommandCannotRun";
    /** The container has no running task. */
    public static final String NOT_RUNNING = "NotRunning";

    private final String kind;

    public RuntimeFailure(String kind, String message) {
        super(message);
        this.kind = kind;
    }

    public RuntimeFailure(String kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    @Override
    public String kind() {
        return kind;
    }
}
