package io.kukeon.cgroup;

/** Reads the kernel's "flat keyed" files ({@code key value} per line: cpu.stat, memory.events, memory.oom_control). */
final class FlatKeyed {
    private FlatKeyed() {}

    /** The value of {@code key}, or null when the content or the key is absent. */
    static Long get(String content, String key) {
        if (content == null) {
            return null;
        }
        for (String line : content.split("\n")) {
            String[] kv = line.trim().split("\\s+");
            if (kv.length == 2 && kv[0].equals(key)) {
                return Long.parseLong(kv[1]);
            }
        }
        return null;
    }

    /** A file holding one number ({@code memory.current}), or null; {@code max} reads as null too. */
    static Long number(String content) {
        if (content == null || content.isBlank() || content.trim().equals("max")) {
            return null;
        }
        return Long.parseLong(content.trim());
    }
}
