package io.kukeon.manifest;

import io.kukeon.model.Kind;
import io.kukeon.model.ResourceExhaustedException;
import io.kukeon.model.Utf8;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.reader.ReaderException;

import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads a kukeon manifest: multi-document YAML, {@code apiVersion: v1beta1}, kinds Realm, Space,
 * Stack, Cell, Container, Secret and Volume, as the Go kukeon writes them. Each document is read on its own, so a
 * broken document is reported and the others still read. A document {@code {items: [...]}} (what
 * {@code kuke get -o json} prints for a list) stands for its items.
 */
public final class ManifestReader {
    /** Manifests larger than this are refused whole. */
    public static final int MAX_BYTES = io.kukeon.model.Sizes.MAX_MANIFEST_BYTES;
    /** Documents in one manifest (items of a list counted one by one); beyond, the manifest is refused whole. */
    public static final int MAX_DOCUMENTS = 10_000;

    private ManifestReader() {}

    /**
     * @throws ResourceExhaustedException over {@link #MAX_BYTES}
     * @throws ManifestException          not UTF-8, no document at all, more than {@link #MAX_DOCUMENTS}, more
     *                                    than {@link DocumentLimits#MAX_EXPANDED_MANIFEST_BYTES} with aliases
     *                                    expanded, or no document readable as YAML
     */
    public static List<ManifestDocument> read(byte[] yaml) {
        if (yaml.length > MAX_BYTES) {
            throw new ResourceExhaustedException("manifest is " + yaml.length + " bytes; at most " + MAX_BYTES);
        }
        String text = decode(yaml);
        Yaml parser = new Yaml(loaderOptions());
        List<ManifestDocument> documents = new ArrayList<>();
        ManifestError firstSyntaxError = null;
        int syntaxErrors = 0;
        List<DocumentChunks.Chunk> chunks = DocumentChunks.split(text);
        DocumentLimits limits = new DocumentLimits();
        if (chunks.size() > MAX_DOCUMENTS) {
            throw tooManyDocuments(chunks.get(MAX_DOCUMENTS).contentLine());
        }
        for (DocumentChunks.Chunk chunk : chunks) {
            Node root;
            try {
                root = parser.compose(new StringReader(chunk.text()));
            } catch (YAMLException e) {
                ManifestError error = syntaxError(e, chunk);
                firstSyntaxError = firstSyntaxError == null ? error : firstSyntaxError;
                syntaxErrors++;
                documents.add(new ManifestDocument(documents.size(), chunk.contentLine(), null, null, null, List.of(),
                        error));
                continue;
            }
            if (root == null || FieldReader.isNull(root)) {
                continue;
            }
            ManifestError overLimit = limits.check(root, chunk);
            if (overLimit != null) {
                String name = DocumentReader.scalar(DocumentReader.child(root, "metadata"), "name");
                documents.add(new ManifestDocument(documents.size(), chunk.contentLine(), DocumentReader.scalar(root, "kind"),
                        name, null, List.of(), overLimit));
                continue;
            }
            for (Node node : itemsOf(root, chunk)) {
                if (documents.size() == MAX_DOCUMENTS) {
                    throw tooManyDocuments(chunk.firstLine() + node.getStartMark().getLine() + 1);
                }
                int line = chunk.firstLine() + node.getStartMark().getLine() + 1;
                documents.add(DocumentReader.read(documents.size(), node, new DocumentContext(chunk.firstLine(), line)));
            }
        }
        if (documents.isEmpty()) {
            throw new ManifestException(1, 1, "no document found");
        }
        if (syntaxErrors == documents.size()) {
            throw new ManifestException(firstSyntaxError.line(), firstSyntaxError.column(), firstSyntaxError.message());
        }
        return documents;
    }

    private static ManifestException tooManyDocuments(int line) {
        return new ManifestException(line, 1, "more than " + MAX_DOCUMENTS + " documents; a manifest holds at most "
                + MAX_DOCUMENTS);
    }

    /**
     * Stable: Realm, Space, Stack, Secret, Volume and CellBlueprint, CellConfig, Cell, Container, whatever
     * their order in the file (a cell's secretRef or volumeRef finds the Secrets and Volumes of the same
     * manifest, a config its blueprint); broken documents last.
     */
    public static List<ManifestDocument> inApplyOrder(List<ManifestDocument> documents) {
        List<ManifestDocument> out = new ArrayList<>(documents);
        out.sort(Comparator.comparingInt(d -> rank(d, false)));
        return out;
    }

    /** Stable: the reverse of {@link #inApplyOrder} (children before parents); broken documents last. */
    public static List<ManifestDocument> inDeleteOrder(List<ManifestDocument> documents) {
        List<ManifestDocument> out = new ArrayList<>(documents);
        out.sort(Comparator.comparingInt(d -> rank(d, true)));
        return out;
    }

    private static int rank(ManifestDocument d, boolean reverse) {
        int last = 4 * Kind.values().length;
        if (d.failed()) {
            return last;
        }
        // a Secret, a Volume or a template after every scope (which a stack's apply may create), before the
        // cells; a config after the blueprints it names
        int afterScopes = 4 * Kind.STACK.depth() + 1;
        int rank = d.isSecret() || d.isVolume() ? afterScopes
                : d.isTemplate() ? afterScopes + (d.template().kind() == io.kukeon.model.TemplateKind.CONFIG ? 1 : 0)
                : 4 * d.object().kind().depth();
        return reverse ? last - 1 - rank : rank;
    }

    private static String decode(byte[] bytes) {
        java.util.Optional<String> decoded = Utf8.decode(bytes);
        if (decoded.isPresent()) {
            String text = decoded.get();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        }
        int at = firstBadByte(bytes);
        int line = 1;
        for (int i = 0; i < at; i++) {
            line += bytes[i] == '\n' ? 1 : 0;
        }
        throw new ManifestException(line, 1, "not UTF-8 text (bad byte at offset " + at + ")");
    }

    private static int firstBadByte(byte[] bytes) {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        var result = decoder.decode(in, java.nio.CharBuffer.allocate(bytes.length + 1), true);
        return result.isError() ? in.position() : 0;
    }

    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        // DocumentLimits counts aliases of every kind; this one counts lists and mappings only
        options.setMaxAliasesForCollections(DocumentLimits.MAX_ALIASES + 1);
        // DocumentLimits sees deep nesting first and says where; this bounds the parser's own recursion
        options.setNestingDepthLimit(DocumentLimits.MAX_DEPTH + 1);
        options.setCodePointLimit(MAX_BYTES * 2);
        return options;
    }

    private static ManifestError syntaxError(YAMLException e, DocumentChunks.Chunk chunk) {
        if (e instanceof MarkedYAMLException m) {
            Mark mark = m.getProblemMark() != null ? m.getProblemMark() : m.getContextMark();
            String problem = m.getProblem() != null ? m.getProblem() : m.getContext();
            if (mark != null) {
                return new ManifestError(chunk.firstLine() + mark.getLine() + 1, mark.getColumn() + 1, null,
                        "not valid YAML: " + problem);
            }
            return new ManifestError(chunk.contentLine(), 1, null, "not valid YAML: " + problem);
        }
        if (e instanceof ReaderException r) {
            int line = chunk.firstLine() + 1;
            int column = 1;
            String text = chunk.text();
            for (int i = 0, cp = 0; i < text.length() && cp < r.getPosition(); i += Character.charCount(text.codePointAt(i)), cp++) {
                if (text.charAt(i) == '\n') {
                    line++;
                    column = 1;
                } else {
                    column++;
                }
            }
            return new ManifestError(line, column, null, String.format(
                    "not valid YAML: character U+%04X is not allowed", r.getCodePoint()));
        }
        // the parser's own limits, set just above DocumentLimits' (which says where), said in the same words
        String message = String.valueOf(e.getMessage());
        if (message.startsWith("Nesting Depth exceeded")) {
            return new ManifestError(chunk.contentLine(), 1, null, DocumentLimits.depthRule());
        }
        if (message.startsWith("Number of aliases")) {
            return new ManifestError(chunk.contentLine(), 1, null, DocumentLimits.aliasRule());
        }
        return new ManifestError(chunk.contentLine(), 1, null, "not valid YAML: " + message);
    }

    /** {@code {items: [doc, ...]}} (optionally with {@code kind: List}) stands for its items. */
    private static List<Node> itemsOf(Node root, DocumentChunks.Chunk chunk) {
        if (root instanceof MappingNode m && DocumentReader.child(root, "items") instanceof SequenceNode items) {
            String kind = DocumentReader.scalar(root, "kind");
            boolean onlyListFields = m.getValue().stream().map(NodeTuple::getKeyNode)
                    .allMatch(k -> k instanceof ScalarNode s
                            && List.of("items", "kind", "apiVersion").contains(s.getValue()));
            if (onlyListFields && (kind == null || kind.equals("List"))) {
                return items.getValue();
            }
        }
        return List.of(root);
    }
}
