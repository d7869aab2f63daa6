package io.kukeon.api;

import io.kukeon.model.ContainerStatus;
import io.kukeon.model.Kind;
import io.kukeon.model.NotFoundException;
import io.kukeon.model.TreeObject;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Which log files a logs request reads: every container of the cell, or the one asked for. */
final class LogFiles {
    private LogFiles() {}

    static Map<String, Path> of(TreeObject.Cell cell, String container) {
        Map<String, Path> files = new LinkedHashMap<>();
        for (ContainerStatus c : cell.status().containers()) {
            if ((container.isEmpty() || container.equals(c.name())) && c.logPath() != null) {
                files.put(c.name(), Path.of(c.logPath()));
            }
        }
        if (!container.isEmpty() && files.isEmpty()) {
            throw new NotFoundException("container \"" + container + "\" not found in cell \"" + cell.path().name() + "\"",
                    Kind.CONTAINER);
        }
        return files;
    }
}
