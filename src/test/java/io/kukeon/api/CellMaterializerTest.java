package io.kukeon.api;

import io.kukeon.model.EnvOverrides;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The parts of making a cell that need no daemon: the prefix an image gives, and env overrides. */
class CellMaterializerTest {

    @Test
    void anImagesPrefixIsItsLastPathPartAsAName() {
        assertEquals("busybox", CellMaterializer.imagePrefix("docker.io/library/busybox:latest"));
        assertEquals("my-app", CellMaterializer.imagePrefix("localhost:5000/team/My_App:1.2@sha256:0123abcd"));
        assertEquals("nginx", CellMaterializer.imagePrefix("nginx"));
        assertEquals("cell", CellMaterializer.imagePrefix("registry/___:tag"), "nothing usable: a fixed word");
        assertEquals(56, CellMaterializer.imagePrefix("x".repeat(80)).length(), "room for -<6 hex> in 63");
    }

    @Test
    void theLastValueOfAKeyWinsAndKeepsTheOthersInOrder() {
        assertEquals(List.of("A=1", "C=3", "B=20", "D=4"),
                EnvOverrides.merged(List.of("A=1", "B=2", "C=3"), List.of("B=10", "D=4", "B=20")));
        assertEquals(List.of("A=1"), EnvOverrides.merged(List.of("A=1"), List.of()));
    }
}
