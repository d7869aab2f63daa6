package io.kukeon.network;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The {@code /etc/hosts} of a cell: the localhost block (v4 and v6), the cell's own address and
 * name, and the other cells of its space by name, so that cells find each other without a DNS
 * server. A pure function of its inputs: the same space gives the same bytes.
 */
public final class HostsFile {
    /**
     * Other cells listed at most. A space's own {@code /24} holds 253 cells; a wider network
     * ({@code spec.cniConfigPath}) could hold more, and every lookup reads the file line by line.
     * Beyond it the cells last in name order are left out and a comment says how many.
     */
    public static final int MAX_OTHER_CELLS = 1024;

    static final String LOCALHOST_BLOCK = """
            127.0.0.1\tlocalhost
            ::1\tlocalhost ip6-localhost ip6-loopback
            """;

    private HostsFile() {}

    /**
     * @param self       the cell the file is for, with its address
     * @param spaceCells the cells of its space that have an address; {@code self} among them is skipped
     */
    public static String render(CellAddress self, Collection<CellAddress> spaceCells) {
        StringBuilder out = new StringBuilder(header(self.cell()));
        out.append(LOCALHOST_BLOCK);
        line(out, self);
        List<CellAddress> others = spaceCells.stream()
                .filter(c -> !c.cell().equals(self.cell()))
                .sorted(Comparator.comparing(CellAddress::cell))
                .distinct()
                .toList();
        others.stream().limit(MAX_OTHER_CELLS).forEach(c -> line(out, c));
        if (others.size() > MAX_OTHER_CELLS) {
            out.append("# ").append(others.size() - MAX_OTHER_CELLS)
                    .append(" more cells of this space are not listed (at most ").append(MAX_OTHER_CELLS).append(")\n");
        }
        return out.toString();
    }

    /** The file before the cell has an address: its header and the localhost lines. */
    public static String renderUnaddressed(String cell) {
        return header(cell) + LOCALHOST_BLOCK;
    }

    private static String header(String cell) {
        return "# written by kukeond for cell " + cell + "; rewritten as the cells of its space come and go\n";
    }

    private static void line(StringBuilder out, CellAddress cell) {
        out.append(cell.ip()).append('\t').append(cell.cell()).append('\n');
    }
}
