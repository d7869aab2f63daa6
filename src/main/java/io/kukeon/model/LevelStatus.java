package io.kukeon.model;

import java.time.Instant;

/**
 * Status of a realm, space or stack.
 *
 * @param namespaceReady for a realm: its containerd namespace exists (null for other levels)
 * @param namespace      for a realm: the containerd namespace it uses (null for other levels)
 */
public record LevelStatus(LevelState state, String reason, String message, GroupStatus cgroup, Boolean namespaceReady,
                          String namespace, Instant createdAt, Instant updatedAt, Instant readyAt,
                          long observedGeneration) {}
