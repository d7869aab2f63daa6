package io.kukeon.manifest;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every manifest under {@code manifests/valid} must read without an error; every one under
 * {@code manifests/invalid} must fail exactly as its {@code # expect...} header says. Headers:
 * {@code expect: line N: field: rule} (one per failed document, in order),
 * {@code expect-exception: message}, {@code expect-documents: N}, {@code expect-warning: text},
 * {@code expect-no-warning: prefix}.
 */
class ManifestCorpusTest {

    static Stream<String> valid() throws Exception {
        return files("valid");
    }

    static Stream<String> invalid() throws Exception {
        return files("invalid");
    }

    @ParameterizedTest
    @MethodSource("valid")
    void validManifestReadsWithoutError(String file) throws Exception {
        Path path = dir("valid").resolve(file);
        List<ManifestDocument> docs = ManifestReader.read(Files.readAllBytes(path));
        for (ManifestDocument d : docs) {
            assertFalse(d.failed(), () -> file + ": " + d.error());
        }
        checkHeaders(path, docs);
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void invalidManifestFailsAsItsHeaderSays(String file) throws Exception {
        Path path = dir("invalid").resolve(file);
        List<String> exception = header(path, "expect-exception");
        if (!exception.isEmpty()) {
            ManifestException e = assertThrows(ManifestException.class, () -> ManifestReader.read(Files.readAllBytes(path)));
            assertEquals(exception.get(0), e.getMessage());
            return;
        }
        List<String> expected = header(path, "expect");
        assertFalse(expected.isEmpty(), file + " declares no expectation");
        List<ManifestDocument> docs = ManifestReader.read(Files.readAllBytes(path));
        List<String> actual = docs.stream().filter(ManifestDocument::failed).map(d -> d.error().toString()).toList();
        assertEquals(expected, actual, file);
        checkHeaders(path, docs);
    }

    private static void checkHeaders(Path path, List<ManifestDocument> docs) throws IOException {
        for (String n : header(path, "expect-documents")) {
            assertEquals(Integer.parseInt(n), docs.size(), path.getFileName() + ": documents");
        }
        List<String> warnings = docs.stream().flatMap(d -> d.warnings().stream()).toList();
        for (String w : header(path, "expect-warning")) {
            assertTrue(warnings.contains(w), () -> path.getFileName() + ": missing warning \"" + w + "\" in " + warnings);
        }
        for (String w : header(path, "expect-no-warning")) {
            assertTrue(warnings.stream().noneMatch(x -> x.startsWith(w)), () -> path.getFileName() + ": " + warnings);
        }
    }

    private static List<String> header(Path file, String key) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith("# " + key + ": ")) {
                out.add(line.substring(key.length() + 4));
            }
        }
        return out;
    }

    private static Path dir(String name) throws URISyntaxException {
        return Path.of(ManifestCorpusTest.class.getResource("/manifests/" + name).toURI());
    }

    private static Stream<String> files(String name) throws Exception {
        try (Stream<Path> s = Files.list(dir(name))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }
}
