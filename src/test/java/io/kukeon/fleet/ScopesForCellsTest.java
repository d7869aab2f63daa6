package io.kukeon.fleet;

import io.kukeon.model.HostIds;
import io.kukeon.model.Metadata;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.Resources;
import io.kukeon.model.SpaceSpec;
import io.kukeon.model.StackSpec;
import io.kukeon.model.TreeObject;
import io.kukeon.supervisor.ObjectIndex;
import io.kukeon.testing.Specs;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ScopesForCellsTest {
    private final ObjectIndex index = new ObjectIndex(HostIds.defaults());

    @Test
    void aSpaceOrStackMadeForCellsIsLabelledAndARealmIsNot() {
        TreeObject space = ScopesForCells.forCells(new TreeObject.Space(ObjectPath.parse("r/s"),
                new Metadata("s", Map.of("team", "x"), 3), SpaceSpec.DEFAULT, null));
        assertEquals(Map.of("team", "x", ScopesForCells.LABEL, "true"), space.metadata().labels());
        assertEquals(3, space.metadata().generation());
        TreeObject realm = new TreeObject.Realm(ObjectPath.parse("r"), new Metadata("r", Map.of(), 1), null, null);
        assertEquals(realm, ScopesForCells.forCells(realm), "a realm holds its node's images: never made for cells only");
    }

    @Test
    void onlyLabelledStacksAndSpacesWithNothingUnderThemAreEmpty() {
        index.put(space("r/kept", false));                  // a user's copy, empty: stays
        index.put(space("r/s", true));                      // holds stack t, which holds a cell
        index.put(stack("r/s/t", true));
        index.put(cell("r/s/t/c"));
        index.put(stack("r/s/idle", true));                 // no cell left
        index.put(space("r/gone", true));                   // no stack left
        index.put(stack("r/s/mine", false));                // a user's copy, empty: stays
        assertEquals(Set.of(ObjectPath.parse("r/s/idle"), ObjectPath.parse("r/gone")), ScopesForCells.empty(index));

        index.remove(ObjectPath.parse("r/s/t/c"));
        assertEquals(Set.of(ObjectPath.parse("r/s/idle"), ObjectPath.parse("r/gone"), ObjectPath.parse("r/s/t")),
                ScopesForCells.empty(index), "r/s still holds its stacks");
    }

    private static TreeObject space(String path, boolean forCells) {
        ObjectPath p = ObjectPath.parse(path);
        TreeObject space = new TreeObject.Space(p, new Metadata(p.name(), Map.of(), 1), SpaceSpec.DEFAULT, null);
        return forCells ? ScopesForCells.forCells(space) : space;
    }

    private static TreeObject stack(String path, boolean forCells) {
        ObjectPath p = ObjectPath.parse(path);
        TreeObject stack = new TreeObject.Stack(p, new Metadata(p.name(), Map.of(), 1), new StackSpec(Resources.NONE), null);
        return forCells ? ScopesForCells.forCells(stack) : stack;
    }

    private static TreeObject cell(String path) {
        ObjectPath p = ObjectPath.parse(path);
        return new TreeObject.Cell(p, new Metadata(p.name(), Map.of(), 1), Specs.cell(Specs.container("app").build()), null);
    }
}
