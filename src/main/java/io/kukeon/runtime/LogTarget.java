package io.kukeon.runtime;

/**
 * Where a task's stdout and stderr go and how that log rotates: {@code dir}'s current run, a file
 * rotated before a record would take it over {@code maxSizeBytes}, {@code maxFiles} files kept.
 */
public record LogTarget(ContainerLogDir dir, long maxSizeBytes, int maxFiles) {
}
