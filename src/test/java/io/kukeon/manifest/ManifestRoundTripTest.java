package io.kukeon.manifest;

import io.kukeon.model.Metadata;
import io.kukeon.model.TreeObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManifestRoundTripTest {

    /** What reading a written object gives back: status and generation are not read. */
    private static TreeObject asRead(TreeObject o) {
        Metadata m = new Metadata(o.metadata().name(), o.metadata().labels(), o.metadata().annotations(), 0);
        if (o instanceof TreeObject.Realm r) {
            return new TreeObject.Realm(r.path(), m, r.spec(), null);
        } else if (o instanceof TreeObject.Space s) {
            return new TreeObject.Space(s.path(), m, s.spec(), null);
        } else if (o instanceof TreeObject.Stack s) {
            return new TreeObject.Stack(s.path(), m, s.spec(), null);
        } else if (o instanceof TreeObject.Cell c) {
            return new TreeObject.Cell(c.path(), m, c.spec(), null);
        }
        TreeObject.Container c = (TreeObject.Container) o;
        return new TreeObject.Container(c.path(), m, c.spec(), null);
    }

    @Test
    void yamlOfEveryKindWithEveryFieldReadsBackEqual() {
        String yaml = ManifestWriter.yaml(SampleObjects.all());
        List<ManifestDocument> docs = ManifestReader.read(yaml.getBytes(StandardCharsets.UTF_8));
        assertEquals(SampleObjects.all().size(), docs.size());
        for (int i = 0; i < docs.size(); i++) {
            ManifestDocument d = docs.get(i);
            assertFalse(d.failed(), () -> d.error() + "\n" + yaml);
            assertTrue(d.warnings().isEmpty(), () -> d.warnings().toString());
            assertEquals(asRead(SampleObjects.all().get(i)), d.object());
        }
    }

    @Test
    void jsonOfOneObjectAndOfAListReadBackEqual() {
        for (TreeObject o : SampleObjects.all()) {
            List<ManifestDocument> one = ManifestReader.read(ManifestWriter.json(o).getBytes(StandardCharsets.UTF_8));
            assertEquals(asRead(o), one.get(0).object());
        }
        List<ManifestDocument> list = ManifestReader.read(
                ManifestWriter.json(SampleObjects.all()).getBytes(StandardCharsets.UTF_8));
        assertEquals(SampleObjects.all().stream().map(ManifestRoundTripTest::asRead).toList(),
                list.stream().map(ManifestDocument::object).toList());
    }

    @Test
    void aWrittenObjectDiffsAsUnchangedAgainstItsReading() {
        for (TreeObject o : SampleObjects.all()) {
            TreeObject back = ManifestReader.read(ManifestWriter.yaml(List.of(o)).getBytes(StandardCharsets.UTF_8))
                    .get(0).object();
            assertEquals(List.of(), ManifestDiff.changes(o, back));
        }
    }
}
