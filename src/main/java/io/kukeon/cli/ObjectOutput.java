package io.kukeon.cli;

import io.kukeon.manifest.ManifestWriter;
import io.kukeon.model.Kind;
import io.kukeon.model.TreeObject;
import io.kukeon.wire.ObjectMapping;
import io.kukeon.wire.v1.ObjectDoc;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/** Objects from the API printed as {@code -o} asks (through {@link Printed}); yaml and json are manifests that apply back. */
final class ObjectOutput {
    private ObjectOutput() {}

    /**
     * @param single    one object was asked for by name (json prints it bare, not in {@code items})
     * @param emptyLine what table output says when there is nothing, e.g. {@code No cells found in stack "default".}
     */
    static String render(List<ObjectDoc> docs, Kind kind, Output output, boolean single, String emptyLine,
                         Instant now) {
        List<Printed.Item> items = docs.stream()
                .map(d -> new Printed.Item(kind.label() + "/" + d.getPath(), ManifestWriter.document(object(d)))).toList();
        return Printed.render(output, items, single, () -> docs.isEmpty() ? emptyLine + "\n"
                : table(docs, kind, output.is(OutputFormat.wide), now).render());
    }

    /**
     * What a scope holds (Secrets, Volumes, templates) as {@code -o} asks; the table, when it asks for
     * one, from {@code table} (called only then).
     *
     * @param single one was asked for by name (json prints it bare, not in {@code items})
     */
    static String renderHeld(List<Map<String, Object>> docs, Output output, boolean single, Supplier<String> table) {
        return Printed.render(output, docs.stream().map(d -> new Printed.Item(heldName(d), d)).toList(), single, table);
    }

    /** {@code secret/demo/web/db-password}: the kind, the scope from metadata, the name. */
    private static String heldName(Map<String, Object> doc) {
        Map<?, ?> metadata = (Map<?, ?>) doc.get("metadata");
        StringBuilder name = new StringBuilder(String.valueOf(doc.get("kind")).toLowerCase(Locale.ROOT));
        for (Kind level : List.of(Kind.REALM, Kind.SPACE, Kind.STACK, Kind.CELL)) {
            if (metadata.get(level.label()) != null) {
                name.append('/').append(metadata.get(level.label()));
            }
        }
        return name.append('/').append(metadata.get("name")).toString();
    }

    static Table table(List<ObjectDoc> docs, Kind kind, boolean wide, Instant now) {
        boolean nodes = ObjectRows.fromFleet(docs);
        Table t = new Table(ObjectRows.headers(kind, wide, nodes));
        docs.forEach(d -> t.add(ObjectRows.row(d, kind, wide, nodes, now)));
        return t;
    }

    static TreeObject object(ObjectDoc d) {
        return ObjectMapping.fromProto(d);
    }

}
