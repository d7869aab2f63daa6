package io.kukeon.supervisor;

import io.kukeon.model.CellSpec;
import io.kukeon.model.HostIds;
import io.kukeon.model.Kind;
import io.kukeon.model.Metadata;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.TreeObject;
import io.kukeon.network.PortClaim;
import io.kukeon.testing.Specs;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ObjectIndexTest {
    private final ObjectIndex index = new ObjectIndex(HostIds.defaults());

    @Test
    void aListWalksOneKindInPathOrderFromItsToken() {
        for (String name : List.of("c2", "c10", "c1")) {
            index.put(cell("r/s/t/" + name, Map.of("n", name)));
            index.put(container("r/s/t/" + name + "/app"));
        }
        index.put(cell("r/s/u/c0", Map.of()));

        assertEquals(List.of("r/s/t/c1", "r/s/t/c10", "r/s/t/c2", "r/s/u/c0"), paths(index.listAfter(Kind.CELL, null, null, l -> true)));
        assertEquals(List.of("r/s/t/c2", "r/s/u/c0"), paths(index.listAfter(Kind.CELL, null, "r/s/t/c10", l -> true)));
        assertEquals(List.of("r/s/t/c1", "r/s/t/c10", "r/s/t/c2"),
                paths(index.listAfter(Kind.CELL, ObjectPath.parse("r/s/t"), null, l -> true)));
        assertEquals(List.of("r/s/t/c10"), paths(index.listAfter(Kind.CELL, null, null, l -> "c10".equals(l.get("n")))));
        assertEquals(List.of("r/s/t/c1/app", "r/s/t/c10/app", "r/s/t/c2/app"), paths(index.list(Kind.CONTAINER, null, l -> true)));
        assertEquals(7, index.size());

        index.remove(ObjectPath.parse("r/s/t/c10"));
        assertTrue(index.get(ObjectPath.parse("r/s/t/c10")).isEmpty());
        assertEquals(List.of("r/s/t/c2", "r/s/u/c0"), paths(index.listAfter(Kind.CELL, null, "r/s/t/c10", l -> true)));
    }

    @Test
    void publishedPortsFollowEachCellsSpec() {
        index.put(cell("r/s/t/web", Specs.cell(Specs.container("httpd").ports("18080:80").build())));
        index.put(cell("r/s/t/quiet", Specs.cell(Specs.container("app").build())));
        index.put(cell("r/s/t/dns", Specs.cell(Specs.container("dns").ports("5353:53/udp").build())));

        assertEquals(List.of("r/s/t/dns", "r/s/t/web"), claimants(index.publishedByOthers(null)));
        assertEquals(List.of("r/s/t/dns"), claimants(index.publishedByOthers(ObjectPath.parse("r/s/t/web"))));
        PortClaim web = index.publishedByOthers(ObjectPath.parse("r/s/t/dns")).get(0);
        assertEquals("spec.containers[0].ports[0]", web.field());
        assertEquals(18080, web.port().hostPort());

        index.put(cell("r/s/t/web", Specs.cell(Specs.container("httpd").build())));   // its ports removed by an apply
        index.put(cell("r/s/t/quiet", Specs.cell(Specs.container("app").ports("9000:90").build())));
        index.remove(ObjectPath.parse("r/s/t/dns"));
        assertEquals(List.of("r/s/t/quiet"), claimants(index.publishedByOthers(null)));
    }

    private static List<String> claimants(List<PortClaim> claims) {
        return claims.stream().map(PortClaim::cell).distinct().sorted().toList();
    }

    private static List<String> paths(Iterable<TreeObject> objects) {
        List<String> out = new ArrayList<>();
        objects.forEach(o -> out.add(o.path().toString()));
        return out;
    }

    private static TreeObject.Cell cell(String path, Map<String, String> labels) {
        ObjectPath p = ObjectPath.parse(path);
        return new TreeObject.Cell(p, new Metadata(p.name(), labels, 1), Specs.cell(Specs.container("app").build()), null);
    }

    private static TreeObject.Cell cell(String path, CellSpec spec) {
        ObjectPath p = ObjectPath.parse(path);
        return new TreeObject.Cell(p, new Metadata(p.name(), Map.of(), 1), spec, null);
    }

    private static TreeObject.Container container(String path) {
        ObjectPath p = ObjectPath.parse(path);
        return new TreeObject.Container(p, new Metadata(p.name(), Map.of(), 1), Specs.container(p.name()).build(), null);
    }
}
