package io.kukeon.api;

import io.kukeon.model.ContainerStatus;
import io.kukeon.model.Kind;
import io.kukeon.model.NotFoundException;
import io.kukeon.model.TreeObject;
import io.kukeon.runtime.ContainerLogDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Which log directories a logs request reads: every container of the cell's, or the one asked for. */
final class LogFiles {
    private LogFiles() {}

    static Map<String, ContainerLogDir> of(TreeObject.Cell cell, String container) {
        Map<String, ContainerLogDir> dirs = new LinkedHashMap<>();
        for (ContainerStatus c : cell.status().containers()) {
            if ((container.isEmpty() || container.equals(c.name())) && c.logPath() != null) {
                // the status shows the current file; its directory holds the rotated and previous ones
                dirs.put(c.name(), new ContainerLogDir(Path.of(c.logPath()).getParent()));
            }
        }
        if (!container.isEmpty() && dirs.isEmpty()) {
            throw new NotFoundException("container \"" + container + "\" not found in cell \"" + cell.path().name() + "\"",
                    Kind.CONTAINER);
        }
        return dirs;
    }
}
