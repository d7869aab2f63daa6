package io.kukeon.manifest;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the YAML documents of one manifest may hold before any of it is read as an object.
 * One instance reads one manifest, document by document. Aliases share their
 * anchor's node, so a small text can stand for a huge object (a 66 KB manifest once became a
 * 13 MB cell); the document is therefore walked as it reads once its aliases are expanded, and
 * the walk stops at the first limit crossed, so it costs at most {@link #MAX_EXPANDED_MANIFEST_BYTES}
 * steps for the whole manifest, however many documents hold aliases.
 * SnakeYAML's own alias limit counts aliases of lists and mappings only, not of scalars.
 */
final class DocumentLimits {
    /** Aliases ({@code *name}) written in one document, of scalars, lists and mappings alike. */
    static final int MAX_ALIASES = 100;
    /** Lists and mappings inside one another, aliases expanded. */
    static final int MAX_DEPTH = 50;
    /** Text of all scalars with aliases expanded, plus one per node: no more than a manifest could spell out. */
    static final int MAX_EXPANDED_BYTES = ManifestReader.MAX_BYTES;
    /**
     * The same for all documents of a manifest together, so that many documents of aliases cannot
     * add up: twice what a manifest without aliases can reach (its text, plus at most a node a byte).
     */
    static final int MAX_EXPANDED_MANIFEST_BYTES = 4 * ManifestReader.MAX_BYTES;
    /** Tags that say what the reader would take the value for anyway; any other tag is refused. */
    private static final List<Tag> STANDARD_TAGS = List.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL,
            Tag.TIMESTAMP, Tag.MAP, Tag.SEQ, Tag.MERGE);
    static final String ALLOWED_TAGS = "!!str, !!int, !!float, !!bool, !!null, !!timestamp, !!map and !!seq";

    private long expandedInManifest;
    // the document being checked
    private DocumentChunks.Chunk chunk;
    private final Map<Node, Boolean> seen = new IdentityHashMap<>();
    private int aliases;
    private long expandedBytes;

    /**
     * @return why the document (the root of {@code chunk}) is refused, or null when it is within every limit
     * @throws ManifestException when the manifest's documents together expand past {@link #MAX_EXPANDED_MANIFEST_BYTES}
     */
    ManifestError check(Node root, DocumentChunks.Chunk chunk) {
        this.chunk = chunk;
        seen.clear();
        aliases = 0;
        expandedBytes = 0;
        try {
            visit(root, "", 0, false);
            return null;
        } catch (FieldProblem p) {
            return p.error();
        } finally {
            expandedInManifest += expandedBytes;
        }
    }

    /**
     * @param insideAlias whether this node is reached through an alias, its edges already counted
     *                    when its anchor was walked
     */
    private void visit(Node node, String field, int depth, boolean insideAlias) {
        boolean firstVisit = seen.put(node, Boolean.TRUE) == null;
        if (!firstVisit && !insideAlias && ++aliases > MAX_ALIASES) {
            throw limit(field, aliasRule());
        }
        boolean expanding = insideAlias || !firstVisit;
        if (!STANDARD_TAGS.contains(node.getTag())) {
            throw problem(node, field, "YAML tag \"" + shown(node.getTag()) + "\" is not allowed; only " + ALLOWED_TAGS);
        }
        expandedBytes += 1 + (node instanceof ScalarNode s ? s.getValue().length() : 0);
        if (expandedInManifest + expandedBytes > MAX_EXPANDED_MANIFEST_BYTES) {
            throw new ManifestException(chunk.contentLine(), 1, "more than " + MAX_EXPANDED_MANIFEST_BYTES + " bytes once"
                    + " the YAML aliases of its documents are expanded; a manifest is at most " + MAX_EXPANDED_MANIFEST_BYTES);
        }
        if (expandedBytes > MAX_EXPANDED_BYTES) {
            throw limit(field, "more than " + MAX_EXPANDED_BYTES + " bytes once its YAML aliases are expanded;"
                    + " a document is at most " + MAX_EXPANDED_BYTES);
        }
        if (node instanceof MappingNode m) {
            nested(node, field, depth);
            for (NodeTuple t : m.getValue()) {
                String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : "?";
                String child = field.isEmpty() ? key : field + "." + key;
                visit(t.getKeyNode(), child, depth + 1, expanding);
                visit(t.getValueNode(), child, depth + 1, expanding);
            }
        } else if (node instanceof SequenceNode s) {
            nested(node, field, depth);
            List<Node> items = s.getValue();
            for (int i = 0; i < items.size(); i++) {
                visit(items.get(i), field + "[" + i + "]", depth + 1, expanding);
            }
        }
    }

    private void nested(Node node, String field, int depth) {
        if (depth >= MAX_DEPTH) {
            throw problem(node, field, depthRule());
        }
    }

    static String aliasRule() {
        return "more than " + MAX_ALIASES + " YAML aliases in one document; at most " + MAX_ALIASES;
    }

    static String depthRule() {
        return "lists and mappings nested more than " + MAX_DEPTH + " deep; at most " + MAX_DEPTH;
    }

    /** A limit crossed at {@code field}: placed at the document, since an alias has no line of its own here. */
    private FieldProblem limit(String field, String rule) {
        return new FieldProblem(new ManifestError(chunk.contentLine(), 1, field.isEmpty() ? null : field, rule));
    }

    private FieldProblem problem(Node node, String field, String rule) {
        return new FieldProblem(new ManifestError(chunk.firstLine() + node.getStartMark().getLine() + 1,
                node.getStartMark().getColumn() + 1, field.isEmpty() ? null : field, rule));
    }

    /** {@code !!binary} rather than {@code tag:yaml.org,2002:binary}. */
    private static String shown(Tag tag) {
        String value = tag.getValue();
        return value.startsWith(Tag.PREFIX) ? "!!" + value.substring(Tag.PREFIX.length()) : value;
    }
}
