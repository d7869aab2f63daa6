package io.kukeon.cli;

import io.kukeon.model.InvalidArgumentException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * kuke's contexts, as kubectl's: named daemons (host, token file, TLS files) in
 * {@code $KUKE_CONFIG} or {@code ~/.kuke/config} (YAML, 0600), one of them current. A context's
 * settings sit between the environment and the defaults: a flag or a variable still wins.
 *
 * @param current  the current context's name, or null
 * @param contexts by name, in the order they were added
 */
record KukeContexts(String current, Map<String, Context> contexts) {
    /** One daemon: where it is and how to prove who we are; null fields are not set. */
    record Context(String host, String tokenFile, String caFile, String certFile, String keyFile) {
        Map<String, Object> toMap(String name) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            put(m, "host", host);
            put(m, "token-file", tokenFile);
            put(m, "ca-file", caFile);
            put(m, "cert-file", certFile);
            put(m, "key-file", keyFile);
            return m;
        }

        /** This one with the fields of {@code changes} that are set. */
        Context with(Context changes) {
            return new Context(or(changes.host, host), or(changes.tokenFile, tokenFile), or(changes.caFile, caFile),
                    or(changes.certFile, certFile), or(changes.keyFile, keyFile));
        }

        private static String or(String a, String b) {
            return a != null ? a : b;
        }

        private static void put(Map<String, Object> m, String key, String value) {
            if (value != null) {
                m.put(key, value);
            }
        }
    }

    static final long MAX_BYTES = 1 << 20;

    /** Where the file is: {@code $KUKE_CONFIG}, else {@code ~/.kuke/config}. */
    static Path file(Function<String, String> env) {
        String set = env.apply("KUKE_CONFIG");
        if (set != null && !set.isBlank()) {
            return Path.of(set);
        }
        return Path.of(System.getProperty("user.home"), ".kuke", "config");
    }

    /** The file's contexts; none when there is no file. */
    static KukeContexts load(Path file) {
        if (!Files.exists(file)) {
            return new KukeContexts(null, new LinkedHashMap<>());
        }
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new InvalidArgumentException("KUKE_CONFIG", file + " is over 1 MiB");
            }
            Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
            Map<String, Context> contexts = new LinkedHashMap<>();
            String current = null;
            if (root instanceof Map<?, ?> m) {
                current = m.get("current-context") == null ? null : String.valueOf(m.get("current-context"));
                if (m.get("contexts") instanceof List<?> list) {
                    for (Object o : list) {
                        if (o instanceof Map<?, ?> c && c.get("name") != null) {
                            contexts.put(String.valueOf(c.get("name")), new Context(text(c, "host"), text(c, "token-file"),
                                    text(c, "ca-file"), text(c, "cert-file"), text(c, "key-file")));
                        }
                    }
                }
            } else if (root != null) {
                throw new InvalidArgumentException("KUKE_CONFIG", file + " is not a map of current-context and contexts");
            }
            return new KukeContexts(current, contexts);
        } catch (IOException | YAMLException e) {
            throw new InvalidArgumentException("KUKE_CONFIG", "cannot read " + file + ": " + ErrorLine.oneLine(String.valueOf(e.getMessage())));
        }
    }

    private static String text(Map<?, ?> m, String key) {
        Object v = m.get(key);
        return v == null ? null : String.valueOf(v);
    }

    /** The context to use: {@code named} (flag or KUKEON_CONTEXT), else the current one; null for none. */
    Context select(String named) {
        String name = named != null && !named.isBlank() ? named : current;
        if (name == null) {
            return null;
        }
        Context c = contexts.get(name);
        if (c == null) {
            throw new InvalidArgumentException("--context", missing(name));
        }
        return c;
    }

    static String missing(String name) {
        return "no context \"" + name + "\" (kuke config get-contexts lists them)";
    }

    /** Written whole, 0600 from its first byte (it names token and key files), then moved into place. */
    void save(Path file) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        if (current != null) {
            root.put("current-context", current);
        }
        List<Object> list = new ArrayList<>();
        contexts.forEach((name, c) -> list.add(c.toMap(name)));
        root.put("contexts", list);
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, new Yaml().dumpAs(root, null, org.yaml.snakeyaml.DumperOptions.FlowStyle.BLOCK),
                StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
