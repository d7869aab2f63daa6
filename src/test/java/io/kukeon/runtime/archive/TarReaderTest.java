package io.kukeon.runtime.archive;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Archives written by GNU tar, in the formats image layers and OCI layouts come in. */
class TarReaderTest {
    @TempDir
    Path dir;

    private byte[] tar(String format) throws Exception {
        Path src = Files.createTempDirectory(dir, "src");
        Files.createDirectories(src.resolve("etc"));
        Files.writeString(src.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\n");
        String longName = "d".repeat(120) + "/" + "f".repeat(110);
        Files.createDirectories(src.resolve(longName).getParent());
        Files.writeString(src.resolve(longName), "long");
        Files.createSymbolicLink(src.resolve("link"), Path.of("etc/passwd"));
        Process p = new ProcessBuilder("tar", "--format=" + format, "--sort=name", "-C", src.toString(), "-cf", "-", ".")
                .redirectErrorStream(false).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor(), "tar ran");
        return out;
    }

    private static Map<String, String> files(InputStream in) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        TarReader tar = new TarReader(in);
        for (TarReader.Entry e = tar.next(); e != null; e = tar.next()) {
            String name = e.name().startsWith("./") ? e.name().substring(2) : e.name();
            if (e.isFile()) {
                out.put(name, new String(e.body().readAllBytes(), StandardCharsets.UTF_8));
            } else if (e.type() == '2') {
                out.put(name, "-> " + e.linkName());
            }
        }
        return out;
    }

    @Test
    void readsGnuPaxAndUstarArchivesWithLongNames() throws Exception {
        String longName = "d".repeat(120) + "/" + "f".repeat(110);
        for (String format : new String[] {"gnu", "posix"}) {
            Map<String, String> f = files(new ByteArrayInputStream(tar(format)));
            assertEquals("root:x:0:0::/root:/bin/sh\n", f.get("etc/passwd"), format);
            assertEquals("long", f.get(longName), format);
            assertEquals("-> etc/passwd", f.get("link"), format);
        }
    }

    @Test
    void skipsUnreadBodies() throws Exception {
        TarReader tar = new TarReader(new ByteArrayInputStream(tar("posix")));
        int entries = 0;
        while (tar.next() != null) {
            entries++;
        }
        assertEquals(6, entries, "., etc, etc/passwd, link, and the long path's dir and file");
    }

    @Test
    void aTruncatedArchiveIsAnError() throws Exception {
        byte[] whole = tar("gnu");
        ByteArrayOutputStream cut = new ByteArrayOutputStream();
        cut.write(whole, 0, 512 + 100);
        assertThrows(IOException.class, () -> files(new ByteArrayInputStream(cut.toByteArray())));
    }
}
