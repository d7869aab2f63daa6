package io.kukeon.manifest;

import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Metadata;
import io.kukeon.model.Names;
import io.kukeon.model.TemplateKind;
import io.kukeon.model.TreeObject;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

import java.util.List;
import java.util.Map;

/** Reads one document's envelope ({@code apiVersion, kind, metadata, spec, status}) and hands the spec to its kind. */
final class DocumentReader {
    static final String API_VERSION = "v1beta1";
    private static final String KINDS = "one of Realm, Space, Stack, Cell, Container, Secret, Volume, CellBlueprint, CellConfig";
    /** Kinds of the reference that this implementation does not have yet. */
    private static final List<String> LATER_KINDS = List.of();

    private DocumentReader() {}

    static ManifestDocument read(int index, Node root, DocumentContext context) {
        String kind = scalar(root, "kind");
        String name = root instanceof MappingNode ? scalar(child(root, "metadata"), "name") : null;
        try {
            FieldReader doc = new FieldReader(root, "", context);
            String kindRead = envelope(doc);
            if (kindRead.equals(SecretDocument.KIND)) {
                return ManifestDocument.secret(index, context.documentLine(), name, SecretReader.read(doc), context.warnings());
            }
            if (kindRead.equals(VolumeDocument.KIND)) {
                return ManifestDocument.volume(index, context.documentLine(), name, VolumeReader.read(doc), context.warnings());
            }
            if (kindRead.equals(TemplateKind.BLUEPRINT.kindName()) || kindRead.equals(TemplateKind.CONFIG.kindName())) {
                return ManifestDocument.template(index, context.documentLine(), name,
                        TemplateReader.read(TemplateKind.parse("kind", kindRead), doc), context.warnings());
            }
            TreeObject object = object(doc);
            return new ManifestDocument(index, context.documentLine(), kind, name, object, context.warnings(), null);
        } catch (FieldProblem p) {
            return failed(index, kind, name, context, p.error());
        } catch (InvalidArgumentException e) {
            return failed(index, kind, name, context, context.locate(e));
        }
    }

    private static ManifestDocument failed(int index, String kind, String name, DocumentContext context,
                                           ManifestError error) {
        return new ManifestDocument(index, context.documentLine(), kind, name, null, context.warnings(), error);
    }

    /** The document's kind, once its apiVersion is one we read. */
    private static String envelope(FieldReader doc) {
        String apiVersion = doc.string("apiVersion");
        // As the reference: a missing or empty apiVersion is v1beta1 (its manifests apply unchanged);
        // YAML of another tool names its own apiVersion or kind, and is refused for it (docs/manifests.md).
        if (apiVersion != null && !apiVersion.isEmpty() && !apiVersion.equals(API_VERSION)) {
            throw doc.context().problem("apiVersion", doc.markOf("apiVersion"),
                    "unsupported apiVersion \"" + Names.printable(apiVersion) + "\"; only " + API_VERSION);
        }
        return kind(doc);
    }

    private static TreeObject object(FieldReader doc) {
        String kind = kind(doc);
        Metadata metadata = metadata(doc);
        FieldReader spec = doc.mapping("spec");
        doc.acceptOutput("status");
        TreeObject object = switch (kind) {
            case "Realm" -> SpecReader.realm(spec, metadata);
            case "Space" -> SpecReader.space(spec, doc, metadata);
            case "Stack" -> SpecReader.stack(spec, doc, metadata);
            case "Cell" -> SpecReader.cell(spec, doc, metadata);
            default -> SpecReader.container(spec, doc, metadata);
        };
        doc.rejectUnknown();
        return object;
    }

    private static String kind(FieldReader doc) {
        String kind = doc.string("kind");
        if (kind == null || kind.isEmpty()) {
            throw doc.context().problem("kind", doc.node().getStartMark(), "is required; " + KINDS);
        }
        if (LATER_KINDS.contains(kind)) {
            throw doc.context().problem("kind", doc.markOf("kind"),
                    "kind " + kind + " is not supported by kukeon for the JVM yet");
        }
        List<String> kinds = List.of("Realm", "Space", "Stack", "Cell", "Container", SecretDocument.KIND, VolumeDocument.KIND,
                TemplateKind.BLUEPRINT.kindName(), TemplateKind.CONFIG.kindName());
        if (!kinds.contains(kind)) {
            String spelled = kinds.stream().filter(k -> k.equalsIgnoreCase(kind)).findFirst().orElse(null);
            throw doc.context().problem("kind", doc.markOf("kind"), "unknown kind \"" + Names.printable(kind) + "\"; "
                    + (spelled != null ? "kinds are capitalized: " + spelled : KINDS));
        }
        return kind;
    }

    private static Metadata metadata(FieldReader doc) {
        FieldReader meta = doc.mapping("metadata");
        if (meta == null) {
            throw doc.context().problem("metadata.name", doc.node().getStartMark(), "is required");
        }
        String name = meta.string("name");
        if (name == null || name.isEmpty()) {
            throw doc.context().problem("metadata.name", doc.markOf("metadata"), "is required");
        }
        Names.require("metadata.name", name);
        Map<String, String> labels = meta.stringMap("labels");
        Metadata.validateLabels(labels);
        Map<String, String> annotations = meta.stringMap("annotations");
        Metadata.validateAnnotations(annotations);
        meta.acceptOutput("generation");
        meta.rejectUnknown();
        return new Metadata(name, labels, annotations, 0);
    }

    /** The text of a scalar field, leniently: for naming a document even when it is broken. */
    static String scalar(Node mapping, String key) {
        Node v = child(mapping, key);
        return v instanceof ScalarNode s && !FieldReader.isNull(s) ? s.getValue() : null;
    }

    static Node child(Node mapping, String key) {
        if (mapping instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                    return t.getValueNode();
                }
            }
        }
        return null;
    }
}
