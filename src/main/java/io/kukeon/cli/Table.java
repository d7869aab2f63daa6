package io.kukeon.cli;

import java.util.ArrayList;
import java.util.List;

/** Left-aligned columns three spaces apart, as kubectl prints them; no trailing blanks. */
final class Table {
    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();

    Table(List<String> headers) {
        this.headers = List.copyOf(headers);
    }

    Table add(List<String> row) {
        rows.add(List.copyOf(row));
        return this;
    }

    /** Width of each column over the header (when shown) and every row. */
    int[] widths(boolean withHeader) {
        int[] w = new int[headers.size()];
        if (withHeader) {
            for (int i = 0; i < w.length; i++) {
                w[i] = headers.get(i).length();
            }
        }
        for (List<String> r : rows) {
            for (int i = 0; i < w.length && i < r.size(); i++) {
                w[i] = Math.max(w[i], r.get(i).length());
            }
        }
        return w;
    }

    String render() {
        return render(true);
    }

    String render(boolean withHeader) {
        int[] w = widths(withHeader);
        StringBuilder out = new StringBuilder();
        if (withHeader) {
            out.append(line(headers, w)).append('\n');
        }
        for (List<String> r : rows) {
            out.append(line(r, w)).append('\n');
        }
        return out.toString();
    }

    /** One row padded to the given widths (a row wider than them pushes its own columns right). */
    static String line(List<String> cells, int[] widths) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String c = cells.get(i);
            out.append(c);
            if (i < cells.size() - 1) {
                int width = i < widths.length ? widths[i] : c.length();
                out.append(" ".repeat(Math.max(width - c.length(), 0) + 3));
            }
        }
        return out.toString();
    }
}
