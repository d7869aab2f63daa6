package io.kukeon.cli;

import io.kukeon.manifest.ManifestWriter;
import io.kukeon.model.Kind;
import io.kukeon.model.TreeObject;
import io.kukeon.wire.ObjectMapping;
import io.kukeon.wire.v1.ObjectDoc;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Objects from the API printed as {@code -o} asks; yaml and json are manifests that apply back. */
final class ObjectOutput {
    private ObjectOutput() {}

    /**
     * @param single    one object was asked for by name (json prints it bare, not in {@code items})
     * @param emptyLine what table output says when there is nothing, e.g. {@code No cells found in stack "default".}
     */
    static String render(List<ObjectDoc> docs, Kind kind, OutputFormat format, boolean single, String emptyLine,
                         Instant now) {
        switch (format) {
            case yaml:
                return docs.isEmpty() ? "" : ManifestWriter.yaml(objects(docs));
            case json:
                return single && docs.size() == 1 ? ManifestWriter.json(object(docs.get(0)))
                        : ManifestWriter.json(objects(docs));
            default:
                if (docs.isEmpty()) {
                    return emptyLine + "\n";
                }
                return table(docs, kind, format == OutputFormat.wide, now).render();
        }
    }

    /**
     * What a scope holds (Secrets, Volumes) as documents when {@code -o} asks for yaml or json; the
     * table, when it asks for one, from {@code table} (called only then).
     *
     * @param single one was asked for by name (json prints it bare, not in {@code items})
     */
    static String renderHeld(List<Map<String, Object>> docs, OutputFormat format, boolean single, Supplier<String> table) {
        switch (format) {
            case yaml:
                return docs.isEmpty() ? "" : ManifestWriter.yamlDocuments(docs);
            case json:
                return single && docs.size() == 1 ? ManifestWriter.jsonDocument(docs.get(0)) : ManifestWriter.jsonItems(docs);
            default:
                return table.get();
        }
    }

    static Table table(List<ObjectDoc> docs, Kind kind, boolean wide, Instant now) {
        Table t = new Table(ObjectRows.headers(kind, wide));
        docs.forEach(d -> t.add(ObjectRows.row(d, kind, wide, now)));
        return t;
    }

    static TreeObject object(ObjectDoc d) {
        return ObjectMapping.fromProto(d);
    }

    private static List<TreeObject> objects(List<ObjectDoc> docs) {
        return docs.stream().map(ObjectOutput::object).toList();
    }
}
