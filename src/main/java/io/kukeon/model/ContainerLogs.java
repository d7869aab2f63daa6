package io.kukeon.model;

/**
 * How a container's log rotates: a file is rotated before a record would take it over
 * {@code maxSizeBytes}, and {@code maxFiles} files are kept (the current one and the rotated ones).
 * Either may be null: kukeond's defaults ({@code kukeon.log-max-size}, {@code kukeon.log-max-files})
 * then apply when the task starts, so that the spec holds only what its manifest said.
 *
 * @param maxSizeBytes the manifest's {@code logMaxSizeBytes}
 * @param maxFiles     the manifest's {@code logMaxFiles}
 */
public record ContainerLogs(Long maxSizeBytes, Integer maxFiles) {
    public static final ContainerLogs DEFAULTS = new ContainerLogs(null, null);
    public static final long MIN_SIZE = 4096;
    public static final long MAX_SIZE = 1024L * 1024 * 1024;
    public static final int MAX_FILES = 100;

    public static ContainerLogs orDefaults(ContainerLogs logs) {
        return logs == null ? DEFAULTS : logs;
    }

    /** {@code field} is the container's, e.g. {@code spec.containers[1]}. */
    public void validate(String field) {
        if (maxSizeBytes != null && (maxSizeBytes < MIN_SIZE || maxSizeBytes > MAX_SIZE)) {
            throw new InvalidArgumentException(field + ".logMaxSizeBytes",
                    "must be between " + MIN_SIZE + " (4 KiB) and " + MAX_SIZE + " (1 GiB), got " + maxSizeBytes);
        }
        if (maxFiles != null && (maxFiles < 1 || maxFiles > MAX_FILES)) {
            throw new InvalidArgumentException(field + ".logMaxFiles", "must be between 1 and " + MAX_FILES + ", got " + maxFiles);
        }
    }

    /** These settings, with {@code defaults} where they leave one empty. */
    public ContainerLogs over(ContainerLogs defaults) {
        return new ContainerLogs(maxSizeBytes != null ? maxSizeBytes : defaults.maxSizeBytes(),
                maxFiles != null ? maxFiles : defaults.maxFiles());
    }
}
