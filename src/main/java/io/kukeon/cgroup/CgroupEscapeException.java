package io.kukeon.cgroup;

import io.kukeon.model.KukeonException;

/**
 * A group, file or directory would lie outside our configured root (by its name or through a
 * symlink). Nothing was created, written or removed.
 */
public final class CgroupEscapeException extends KukeonException {
    public CgroupEscapeException(String message) {
        super(message);
    }

    @Override
    public String kind() {
        return "CgroupEscape";
    }
}
