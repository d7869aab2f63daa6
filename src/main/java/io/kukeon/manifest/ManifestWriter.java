package io.kukeon.manifest;

import io.kukeon.model.CellBlueprint;
import io.kukeon.model.CellConfig;
import io.kukeon.model.Kind;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.ReclaimPolicy;
import io.kukeon.model.SecretData;
import io.kukeon.model.TemplateKind;
import io.kukeon.model.TreeObject;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Objects as manifest documents ({@code apiVersion: v1beta1}, kind, metadata, spec, status), the
 * form {@code kuke get -o yaml|json} prints and {@link ManifestReader} reads back (status and
 * generation are output there). Passwords are written as the object holds them: objects that come from the
 * API already carry {@code <redacted>}, which the daemon reads as "keep the stored one".
 */
public final class ManifestWriter {
    private ManifestWriter() {}

    public static Map<String, Object> document(TreeObject o) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("apiVersion", DocumentReader.API_VERSION);
        doc.put("kind", o.kind().displayName());
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", o.path().name());
        SpecDocument.put(metadata, "labels", new LinkedHashMap<>(o.metadata().labels()));
        SpecDocument.put(metadata, "annotations", new LinkedHashMap<>(o.metadata().annotations()));
        if (o.metadata().generation() != 0) {
            metadata.put("generation", o.metadata().generation());
        }
        doc.put("metadata", metadata);
        doc.put("spec", SpecDocument.of(o));
        Map<String, Object> status = StatusDocument.of(o);
        if (status != null) {
            doc.put("status", status);
        }
        return doc;
    }

    /**
     * A Secret as a document: its scope in metadata, and {@code spec.data} always {@link SecretData#REDACTED},
     * which applied back keeps the stored value.
     */
    public static Map<String, Object> secretDocument(ObjectPath scope, String name) {
        Map<String, Object> doc = heldDocument(SecretDocument.KIND, scope, name);
        doc.put("spec", new LinkedHashMap<>(Map.of("data", SecretData.REDACTED)));
        return doc;
    }

    /** The envelope of what a scope holds (a Secret, a Volume, a template): its name and its scope in metadata. */
    private static Map<String, Object> heldDocument(String kind, ObjectPath scope, String name) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("apiVersion", DocumentReader.API_VERSION);
        doc.put("kind", kind);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", name);
        for (Kind level : List.of(Kind.REALM, Kind.SPACE, Kind.STACK, Kind.CELL)) {
            if (scope.nameAt(level) != null) {
                metadata.put(level.label(), scope.nameAt(level));
            }
        }
        doc.put("metadata", metadata);
        return doc;
    }

    /** A Volume as a document: its scope in metadata and its reclaim policy, which applied back is unchanged. */
    public static Map<String, Object> volumeDocument(ObjectPath scope, String name, ReclaimPolicy reclaimPolicy) {
        Map<String, Object> doc = heldDocument(VolumeDocument.KIND, scope, name);
        doc.put("spec", new LinkedHashMap<>(Map.of("reclaimPolicy", reclaimPolicy.name())));
        return doc;
    }

    /**
     * A CellBlueprint or CellConfig as a document: its scope in metadata, its spec as the document
     * that put it said it (a blueprint's cell with its {@code ${KEY}} references as written).
     */
    public static Map<String, Object> templateDocument(TemplateKind kind, ObjectPath scope, String name,
                                                       CellBlueprint blueprint, CellConfig config) {
        Map<String, Object> doc = heldDocument(kind.kindName(), scope, name);
        Map<String, Object> spec = new LinkedHashMap<>();
        if (blueprint != null) {
            spec.put("prefix", blueprint.prefix());
            List<Object> parameters = new ArrayList<>();
            for (CellBlueprint.Parameter p : blueprint.parameters()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", p.name());
                if (p.defaultValue() != null) {
                    m.put("default", p.defaultValue());   // "" too: a default, unlike none
                }
                SpecDocument.put(m, "description", p.description());
                parameters.add(m);
            }
            SpecDocument.put(spec, "parameters", parameters);
            spec.put("cell", CellTemplate.tree(blueprint.cell()));
        } else {
            spec.put("blueprintRef", SpecDocument.templateRef(config.blueprintRef()));
            SpecDocument.put(spec, "values", new LinkedHashMap<>(config.values()));
            SpecDocument.put(spec, "env", config.env());
        }
        doc.put("spec", spec);
        return doc;
    }

    /** Every object as one YAML document, each starting with {@code ---}. */
    public static String yaml(List<TreeObject> objects) {
        List<Map<String, Object>> docs = new ArrayList<>();
        objects.forEach(o -> docs.add(document(o)));
        return yamlDocuments(docs);
    }

    /** Documents as YAML, each starting with {@code ---}. */
    public static String yamlDocuments(List<Map<String, Object>> docs) {
        return yamlDumper().dumpAll(docs.iterator());
    }

    /** One object as a JSON object. */
    public static String json(TreeObject object) {
        return jsonDocument(document(object));
    }

    /**
     * A list as {@code {"items": [...]}}, whatever its length, so scripts see one shape; the reader
     * takes such a document as its items, so it applies back.
     */
    public static String json(List<TreeObject> objects) {
        List<Map<String, Object>> items = new ArrayList<>();
        objects.forEach(o -> items.add(document(o)));
        return jsonItems(items);
    }

    /** One document as a JSON object. */
    public static String jsonDocument(Map<String, Object> doc) {
        return JsonText.of(doc);
    }

    /** Any part of a document (a map, a list, a value) as JSON. */
    public static String jsonValue(Object value) {
        return JsonText.of(value);
    }

    /** Documents as {@code {"items": [...]}} (see {@link #json(List)}). */
    public static String jsonItems(List<Map<String, Object>> items) {
        Map<String, Object> list = new LinkedHashMap<>();
        list.put("items", items);
        return JsonText.of(list);
    }

    private static Yaml yamlDumper() {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setExplicitStart(true);
        options.setIndent(2);
        options.setIndicatorIndent(0);
        options.setWidth(4096);
        options.setSplitLines(false);
        return new Yaml(options);
    }
}
