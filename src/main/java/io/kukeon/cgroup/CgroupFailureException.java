package io.kukeon.cgroup;

import io.kukeon.model.KukeonException;

/** The host refused a cgroup operation (a write, a mkdir, an rmdir); the message names the file and the reason. */
public final class CgroupFailureException extends KukeonException {
    public CgroupFailureException(String message) {
        super(message);
    }

    public CgroupFailureException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String kind() {
        return "CgroupFailure";
    }
}
