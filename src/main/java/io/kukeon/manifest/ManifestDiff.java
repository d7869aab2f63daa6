package io.kukeon.manifest;

import io.kukeon.model.TreeObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What an apply would change, one human line per difference, e.g.
 * {@code spec.containers[web].image: busybox -> alpine}. Compares the two objects as manifest
 * documents (labels and spec; status and generation aside), so two objects that write the same
 * manifest are equal. Containers are matched by id. Passwords are never shown.
 * Callers compare like with like: a stored cell spec with a synthesized root against a
 * manifest without one shows the root as removed, so normalize both sides or neither.
 */
public final class ManifestDiff {
    private ManifestDiff() {}

    public static List<String> changes(TreeObject current, TreeObject desired) {
        List<String> out = new ArrayList<>();
        Map<String, Object> a = comparable(current);
        Map<String, Object> b = comparable(desired);
        diff("metadata.labels", a.get("labels"), b.get("labels"), out);
        diff("metadata.annotations", a.get("annotations"), b.get("annotations"), out);
        diff("spec", a.get("spec"), b.get("spec"), out);
        return out;
    }

    private static Map<String, Object> comparable(TreeObject o) {
        Map<String, Object> doc = ManifestWriter.document(o);
        Map<String, Object> m = new LinkedHashMap<>();
        @SuppressWarnings("unchecked")
        Map<String, Object> metadata = (Map<String, Object>) doc.get("metadata");
        m.put("labels", metadata.get("labels"));
        m.put("annotations", metadata.get("annotations"));
        m.put("spec", doc.get("spec"));
        return m;
    }

    private static void diff(String path, Object a, Object b, List<String> out) {
        if (Objects.equals(a, b)) {
            return;
        }
        boolean secret = path.endsWith(".password");
        if (a == null) {
            out.add(path + ": added" + (isScalar(b) && !secret ? " " + show(b) : ""));
        } else if (b == null) {
            out.add(path + ": removed" + (isScalar(a) && !secret ? " " + show(a) : ""));
        } else if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
            Set<Object> keys = new LinkedHashSet<>(ma.keySet());
            keys.addAll(mb.keySet());
            for (Object k : keys) {
                diff(path + "." + k, ma.get(k), mb.get(k), out);
            }
        } else if (a instanceof List<?> la && b instanceof List<?> lb) {
            list(path, la, lb, out);
        } else {
            out.add(path + ": " + (secret ? "changed" : show(a) + " -> " + show(b)));
        }
    }

    private static void list(String path, List<?> a, List<?> b, List<String> out) {
        if (path.endsWith("containers") && byId(a) != null && byId(b) != null) {
            Map<Object, Object> ma = byId(a);
            Map<Object, Object> mb = byId(b);
            Set<Object> ids = new LinkedHashSet<>(ma.keySet());
            ids.addAll(mb.keySet());
            for (Object id : ids) {
                diff(path + "[" + id + "]", ma.get(id), mb.get(id), out);
            }
        } else if (a.stream().allMatch(ManifestDiff::isScalar) && b.stream().allMatch(ManifestDiff::isScalar)) {
            out.add(path + ": " + show(a) + " -> " + show(b));
        } else {
            for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
                diff(path + "[" + i + "]", i < a.size() ? a.get(i) : null, i < b.size() ? b.get(i) : null, out);
            }
        }
    }

    /** The list as a map id → entry, or null when some entry has no id. */
    private static Map<Object, Object> byId(List<?> list) {
        Map<Object, Object> m = new LinkedHashMap<>();
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> entry) || entry.get("id") == null) {
                return null;
            }
            m.put(entry.get("id"), entry);
        }
        return m;
    }

    private static boolean isScalar(Object o) {
        return !(o instanceof Map) && !(o instanceof List);
    }

    /** One line per difference: a value that spans lines (an annotation, say) is shown quoted, escaped. */
    private static String show(Object o) {
        if (o instanceof List<?> l) {
            List<String> items = new ArrayList<>();
            l.forEach(i -> items.add(quoteIfNeeded(String.valueOf(i))));
            return "[" + String.join(", ", items) + "]";
        }
        String s = String.valueOf(o);
        return hasControl(s) ? JsonText.quoted(s) : s;
    }

    private static String quoteIfNeeded(String s) {
        return s.isEmpty() || s.contains(",") || s.contains("\"") || !s.equals(s.strip()) || s.contains("]") || hasControl(s)
                ? JsonText.quoted(s) : s;
    }

    private static boolean hasControl(String s) {
        return s.chars().anyMatch(Character::isISOControl);
    }
}
