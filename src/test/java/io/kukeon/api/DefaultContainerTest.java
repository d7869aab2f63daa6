package io.kukeon.api;

import io.kukeon.model.CellSpec;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Metadata;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.TreeObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which container exec and attach reach when none is named: tty.default, else the only workload. */
class DefaultContainerTest {
    private static final ContainerSpec SHELL = ContainerSpec.of("shell", "busybox", "/bin/sh", List.of()).withAttachable(true);
    private static final ContainerSpec HELPER = ContainerSpec.of("helper", "busybox", null, List.of());

    private static TreeObject.Cell cell(String ttyDefault, ContainerSpec... containers) {
        CellSpec spec = new CellSpec(List.of(containers), null, false, null, false, null, ttyDefault);
        spec.validate();
        return new TreeObject.Cell(ObjectPath.parse("r/s/t/c"), new Metadata("c", Map.of(), 0), spec.normalized(), null);
    }

    @Test
    void ttyDefaultWinsOverTheRuleOfTheOnlyWorkload() {
        assertEquals("shell", ExecService.containerName(cell("shell", SHELL, HELPER), ""));
        assertEquals("helper", ExecService.containerName(cell("shell", SHELL, HELPER), "helper"), "a named one still wins");
        assertEquals("shell", ExecService.containerName(cell(null, SHELL), ""));
        InvalidArgumentException two = assertThrows(InvalidArgumentException.class,
                () -> ExecService.containerName(cell(null, SHELL, HELPER), ""));
        assertTrue(two.getMessage().contains("(shell, helper): name one with -c, or set the cell's tty.default"), two.getMessage());
    }

    @Test
    void ttyDefaultMustNameAnAttachableWorkload() {
        for (String name : List.of("helper", "nosuch")) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> cell(name, SHELL, HELPER));
            assertEquals("spec.tty.default", e.field());
        }
    }
}
