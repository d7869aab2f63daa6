package io.kukeon.cli;

import io.kukeon.manifest.ManifestWriter;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The one place {@code -o} turns documents into text, for objects, what scopes hold, events, checks,
 * images, versions and top's figures alike; the table stays each command's own.
 */
final class Printed {
    private Printed() {}

    /**
     * One document and its {@code -o name} line.
     *
     * @param name e.g. {@code cell/default/default/default/web}
     */
    record Item(String name, Map<String, Object> doc) {}

    /**
     * @param single one was asked for by name: json and jsonpath see it bare, not in {@code items}
     * @param table  the table, called only when {@code -o} asks for one
     */
    static String render(Output output, List<Item> items, boolean single, Supplier<String> table) {
        List<Map<String, Object>> docs = items.stream().map(Item::doc).toList();
        boolean bare = single && items.size() == 1;
        switch (output.format()) {
            case yaml:
                return docs.isEmpty() ? "" : ManifestWriter.yamlDocuments(docs);
            case json:
                return bare ? ManifestWriter.jsonDocument(docs.get(0)) : ManifestWriter.jsonItems(docs);
            case name:
                return items.stream().map(i -> i.name() + "\n").collect(Collectors.joining());
            case jsonpath:
                return output.jsonPath().apply(bare ? docs.get(0) : Map.of("items", docs));
            default:
                return table.get();
        }
    }
}
