package io.kukeon.runtime.archive;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads a tar stream entry by entry: ustar and GNU headers, PAX ({@code x}) and GNU long-name
 * ({@code L}) extensions for long paths and sizes. Enough for OCI layouts and image layers; it
 * does not write, and it ignores ownership, modes and times.
 */
final class TarReader {
    private static final int BLOCK = 512;

    /** One entry; {@link #body} is valid until the next call to {@link TarReader#next}. */
    record Entry(String name, char type, long size, String linkName, InputStream body) {
        boolean isFile() {
            return type == '0' || type == '\0' || type == '7';
        }
    }

    private final InputStream in;
    private long remaining;
    private long padding;

    TarReader(InputStream in) {
        this.in = in;
    }

    /** The next entry, or null at the end of the archive. Unread bytes of the previous entry are skipped. */
    Entry next() throws IOException {
        String longName = null;
        String longLink = null;
        Long paxSize = null;
        while (true) {
            skipRest();
            byte[] header = in.readNBytes(BLOCK);
            if (header.length == 0 || isZero(header)) {
                return null;
            }
            if (header.length < BLOCK) {
                throw new EOFException("truncated tar header");
            }
            char type = (char) header[156];
            long size = number(header, 124, 12);
            remaining = size;
            padding = (BLOCK - size % BLOCK) % BLOCK;
            switch (type) {
                case 'x' -> {
                    String pax = new String(readBody(size), StandardCharsets.UTF_8);
                    for (String[] kv : paxRecords(pax)) {
                        switch (kv[0]) {
                            case "path" -> longName = kv[1];
                            case "linkpath" -> longLink = kv[1];
                            case "size" -> paxSize = Long.parseLong(kv[1]);
                            default -> { }
                        }
                    }
                }
                case 'L' -> longName = cString(readBody(size), 0, (int) size);
                case 'K' -> longLink = cString(readBody(size), 0, (int) size);
                case 'g' -> readBody(size);
                default -> {
                    if (paxSize != null) {
                        size = paxSize;
                        remaining = size;
                        padding = (BLOCK - size % BLOCK) % BLOCK;
                    }
                    String name = longName != null ? longName : ustarName(header);
                    String link = longLink != null ? longLink : cString(header, 157, 100);
                    return new Entry(name, type, size, link, new EntryStream());
                }
            }
        }
    }

    private byte[] readBody(long size) throws IOException {
        if (size > 1 << 20) {
            throw new IOException("tar extension header of " + size + " bytes is implausibly large");
        }
        byte[] body = in.readNBytes((int) size);
        if (body.length < size) {
            throw new EOFException("truncated tar extension header");
        }
        remaining = 0;
        return body;
    }

    private void skipRest() throws IOException {
        long toSkip = remaining + padding;
        remaining = 0;
        padding = 0;
        while (toSkip > 0) {
            long n = in.skip(toSkip);
            if (n <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("truncated tar entry");
                }
                n = 1;
            }
            toSkip -= n;
        }
    }

    private static String ustarName(byte[] h) {
        String name = cString(h, 0, 100);
        boolean ustar = new String(h, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
        String prefix = ustar ? cString(h, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static String cString(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    /** Octal, or GNU base-256 when the high bit of the first byte is set. */
    private static long number(byte[] b, int off, int len) throws IOException {
        if ((b[off] & 0x80) != 0) {
            long v = b[off] & 0x7f;
            for (int i = off + 1; i < off + len; i++) {
                v = (v << 8) | (b[i] & 0xff);
            }
            return v;
        }
        String s = cString(b, off, len).trim();
        if (s.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(s, 8);
        } catch (NumberFormatException e) {
            throw new IOException("malformed tar number \"" + s + "\"");
        }
    }

    /** PAX records: {@code "<len> <key>=<value>\n"}, len counting the whole record. */
    private static java.util.List<String[]> paxRecords(String pax) throws IOException {
        java.util.List<String[]> out = new java.util.ArrayList<>();
        byte[] bytes = pax.getBytes(StandardCharsets.UTF_8);
        int pos = 0;
        while (pos < bytes.length) {
            int space = pos;
            while (space < bytes.length && bytes[space] != ' ') {
                space++;
            }
            int len;
            try {
                len = Integer.parseInt(new String(bytes, pos, space - pos, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                throw new IOException("malformed PAX header");
            }
            if (len <= 0 || pos + len > bytes.length) {
                throw new IOException("malformed PAX record length " + len);
            }
            String record = new String(bytes, space + 1, pos + len - space - 2, StandardCharsets.UTF_8);
            int eq = record.indexOf('=');
            if (eq > 0) {
                out.add(new String[] {record.substring(0, eq), record.substring(eq + 1)});
            }
            pos += len;
        }
        return out;
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** The current entry's bytes; closing it does not close the archive. */
    private final class EntryStream extends InputStream {

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            if (b < 0) {
                throw new EOFException("truncated tar entry");
            }
            remaining--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new EOFException("truncated tar entry");
            }
            remaining -= n;
            return n;
        }

        @Override
        public int available() {
            return 0;
        }

        @Override
        public void close() {
        }
    }
}
