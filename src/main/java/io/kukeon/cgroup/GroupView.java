package io.kukeon.cgroup;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One group's interface files as a driver sees them: by controller, whatever hierarchy holds it. The
 * limit planners read the host's facts through it and {@link LimitWriter} writes through it.
 */
interface GroupView {

    /** Null when the controller can limit this group, else why not (e.g. "the host does not mount pids"). */
    String whyUnavailable(String controller);

    /** False also when the controller is unavailable. */
    boolean has(String controller, String file);

    /** The file's content, or null when it does not exist. */
    String read(String controller, String file);

    /** The same file of the parent group (for v1 cpuset inheritance); null when absent. */
    String readParent(String controller, String file);

    void write(String controller, String file, String value) throws IOException;

    Path path(String controller, String file);
}
