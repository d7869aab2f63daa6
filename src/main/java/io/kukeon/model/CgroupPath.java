package io.kukeon.model;

import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An absolute cgroup path below the hierarchy's mountpoint, e.g. {@code /kukeon/default/web}.
 * Segments are plain names (no {@code /}, no {@code .} or {@code ..}), so the path cannot leave
 * the group it starts in, whatever the names say.
 */
public record CgroupPath(List<String> segments) {
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");

    public CgroupPath {
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("a cgroup path needs at least one segment (the root is refused)");
        }
        for (String s : segments) {
            if (s == null || s.length() > 255 || !SEGMENT.matcher(s).matches() || s.contains("..")) {
                throw new IllegalArgumentException("bad cgroup segment: " + s);
            }
        }
        segments = Collections.unmodifiableList(List.copyOf(segments));
    }

    public static CgroupPath parse(String text) {
        String t = text.startsWith("/") ? text.substring(1) : text;
        return new CgroupPath(List.of(t.split("/", -1)));
    }

    public CgroupPath parent() {
        return segments.size() == 1 ? null : new CgroupPath(segments.subList(0, segments.size() - 1));
    }

    public CgroupPath child(String name) {
        java.util.ArrayList<String> s = new java.util.ArrayList<>(segments);
        s.add(name);
        return new CgroupPath(s);
    }

    public boolean isUnder(CgroupPath root) {
        return segments.size() >= root.segments.size()
                && segments.subList(0, root.segments.size()).equals(root.segments);
    }

    /** Relative form, for joining onto a mountpoint: {@code kukeon/default/web}. */
    public String relative() {
        return String.join("/", segments);
    }

    @Override
    public String toString() {
        return "/" + relative();
    }
}
