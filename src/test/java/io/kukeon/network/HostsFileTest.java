package io.kukeon.network;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostsFileTest {
    private static final CellAddress WEB = new CellAddress("web", "10.88.3.2");

    private static List<String> entries(String hosts) {
        return hosts.lines().filter(l -> !l.startsWith("#")).toList();
    }

    @Test
    void listsLocalhostForBothFamiliesThenTheCellItselfThenTheOtherCellsByName() {
        String hosts = HostsFile.render(WEB, List.of(new CellAddress("db", "10.88.3.4"), WEB,
                new CellAddress("cache", "10.88.3.3")));

        assertEquals(List.of("127.0.0.1\tlocalhost", "::1\tlocalhost ip6-localhost ip6-loopback", "10.88.3.2\tweb",
                "10.88.3.3\tcache", "10.88.3.4\tdb"), entries(hosts));
        assertTrue(hosts.startsWith("# written by kukeond for cell web"), hosts);
    }

    @Test
    void aCellAloneInItsSpaceHasLocalhostAndItself() {
        assertEquals(List.of("127.0.0.1\tlocalhost", "::1\tlocalhost ip6-localhost ip6-loopback", "10.88.3.2\tweb"),
                entries(HostsFile.render(WEB, List.of())));
    }

    @Test
    void theSameSpaceGivesTheSameBytesWhateverTheOrder() {
        List<CellAddress> space = List.of(new CellAddress("b", "10.88.3.5"), new CellAddress("a", "10.88.3.6"));

        assertEquals(HostsFile.render(WEB, space), HostsFile.render(WEB, List.of(space.get(1), space.get(0))));
    }

    @Test
    void aSpaceOfManyCellsIsCutAtTheLimitAndTheFileSaysHowManyAreLeftOut() {
        List<CellAddress> space = new ArrayList<>();
        for (int i = 0; i < HostsFile.MAX_OTHER_CELLS + 7; i++) {
            space.add(new CellAddress(String.format("cell-%05d", i), "10.88." + (i / 250) + "." + (i % 250 + 2)));
        }

        String hosts = HostsFile.render(WEB, space);

        assertEquals(3 + HostsFile.MAX_OTHER_CELLS, entries(hosts).size());
        assertTrue(hosts.contains("cell-01023\n"), "the first cells in name order are kept");
        assertTrue(!hosts.contains("cell-01024"), "the cells after the limit are left out");
        assertTrue(hosts.endsWith("# 7 more cells of this space are not listed (at most " + HostsFile.MAX_OTHER_CELLS + ")\n"), hosts);
        assertTrue(hosts.length() < 64 * 1024, "bounded: " + hosts.length());
    }

    @Test
    void aCellAddressRefusesWhatWouldBreakOrAddLines() {
        assertThrows(IllegalArgumentException.class, () -> new CellAddress("web\n1.2.3.4\tevil", "10.88.3.2"));
        assertThrows(IllegalArgumentException.class, () -> new CellAddress("web..1", "10.88.3.2"));
        assertThrows(IllegalArgumentException.class, () -> new CellAddress("web", "10.88.3.2\n"));
        assertThrows(IllegalArgumentException.class, () -> new CellAddress("web", "10.88.3.256"));
        assertThrows(IllegalArgumentException.class, () -> new CellAddress("web", "fd00::2"));
        assertThrows(IllegalArgumentException.class, () -> new CellAddress("web", null));
        assertThrows(IllegalArgumentException.class, () -> new CellAddress(null, "10.88.3.2"));
    }
}
