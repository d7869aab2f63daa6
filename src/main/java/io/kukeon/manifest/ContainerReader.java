package io.kukeon.manifest;

import io.kukeon.model.ContainerLogs;
import io.kukeon.model.ContainerSecret;
import io.kukeon.model.ContainerSecurity;
import io.kukeon.model.SecretRef;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.Names;
import io.kukeon.model.RestartPolicy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads one container: an entry of a cell's {@code spec.containers}, or the spec of a Container document. */
final class ContainerReader {
    /** Why a cell's {@code tty} (its {@code default}: the container attach and exec choose) is refused. */
    /** Fields of the reference's ContainerSpec that kukeond does not act on yet, and why: refused when set. */
    static final Map<String, String> UNSUPPORTED = orderedMap(
            "networks", "a container is on its cell's network, which is its space's (a space chooses its own with"
                    + " spec.cniConfigPath)",
            "networksAliases", "a cell is known on its space's network by its name only",
            "cniConfigPath", "a container is on its cell's network, which is its space's (set spec.cniConfigPath on"
                    + " the Space)",
            "repos", "cloning repositories into a container is the reference's in-container terminal wrapper's work,"
                    + " which kukeon for the JVM does not run",
            "git", "the reference turns it into GIT_* variables: set them in env instead",
            "tty", "kukeon for the JVM runs no terminal wrapper in the container (the reference's kuketty): an attachable"
                    + " container's own process is on the terminal");
    /** Fields the reference's daemon fills in (its {@code get} prints them): they ask for nothing. */
    static final String[] DAEMON_FILLED = {"containerdId", "kukeonGroupGID"};

    private ContainerReader() {}

    private static Map<String, String> orderedMap(String... keysAndValues) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * @param c         the container's fields
     * @param id        the container's name when the document fixes it (kind Container), else null
     * @param parentIds {@code realmId, spaceId, stackId, cellId} of the enclosing cell; a container that
     *                  repeats one (as the reference's output does) must agree with it
     */
    static ContainerSpec read(FieldReader c, String id, Map<String, String> parentIds) {
        String ownId = c.string("id");
        if (id != null && ownId != null && !ownId.equals(id)) {
            throw c.context().problem(c.field("id"), c.markOf("id"),
                    "\"" + Names.printable(ownId) + "\" differs from metadata.name \"" + id + "\"");
        }
        for (Map.Entry<String, String> parent : parentIds.entrySet()) {
            String given = c.string(parent.getKey());
            if (given != null && !given.isEmpty() && !given.equals(parent.getValue())) {
                throw c.context().problem(c.field(parent.getKey()), c.markOf(parent.getKey()),
                        "\"" + Names.printable(given) + "\" disagrees with the cell's \""
                                + parent.getValue() + "\"");
            }
        }
        Boolean root = c.bool("root");
        Boolean hostNetwork = c.bool("hostNetwork");
        String restart = c.string("restartPolicy");
        ContainerSpec spec = new ContainerSpec(id != null ? id : ownId, root != null && root, c.string("image"),
                c.string("command"), c.strings("args"), c.strings("env"), c.string("workingDir"), c.string("user"),
                RestartPolicy.parse(c.field("restartPolicy"), restart), c.smallInteger("restartBackoffSeconds"),
                c.smallInteger("restartMaxRetries"), ResourcesReader.read(c), hostNetwork != null && hostNetwork,
                c.strings("ports"), security(c), MountsReader.volumes(c), MountsReader.tmpfs(c), secrets(c),
                new ContainerLogs(c.integer("logMaxSizeBytes"), c.smallInteger("logMaxFiles")), isTrue(c.bool("attachable")));
        UNSUPPORTED.forEach(c::refuseUnsupportedBecause);
        c.acceptOutput(DAEMON_FILLED);
        c.rejectUnknown();
        return spec;
    }

    /** {@code secrets[]}: each from a host file, kukeond's environment, or a stored Secret ({@code secretRef}). */
    private static List<ContainerSecret> secrets(FieldReader c) {
        List<FieldReader> entries = c.mappings("secrets");
        List<ContainerSecret> out = new ArrayList<>();
        if (entries == null) {
            return out;
        }
        for (FieldReader s : entries) {
            out.add(new ContainerSecret(s.string("name"), s.string("fromFile"), s.string("fromEnv"), s.string("mountPath"),
                    secretRef(s.mapping("secretRef"))));
            s.rejectUnknown();
        }
        return out;
    }

    /** The container's security fields, which the manifest keeps flat beside the others. */
    private static ContainerSecurity security(FieldReader c) {
        return new ContainerSecurity(isTrue(c.bool("privileged")), capabilities(c), isTrue(c.bool("readOnlyRootFilesystem")),
                c.strings("securityOpts"), c.strings("devices"), isTrue(c.bool("hostPID")), isTrue(c.bool("hostCgroup")));
    }

    /** {@code capabilities {add, drop}} of a container, or of a space's container defaults. */
    static ContainerSecurity.Capabilities capabilities(FieldReader owner) {
        FieldReader caps = owner.mapping("capabilities");
        if (caps == null) {
            return ContainerSecurity.Capabilities.NONE;
        }
        ContainerSecurity.Capabilities capabilities = new ContainerSecurity.Capabilities(caps.strings("add"), caps.strings("drop"));
        caps.rejectUnknown();
        return capabilities;
    }

    private static boolean isTrue(Boolean b) {
        return b != null && b;
    }

    private static SecretRef secretRef(FieldReader ref) {
        if (ref == null) {
            return null;
        }
        SecretRef read = new SecretRef(ref.string("name"), ref.string("realm"), ref.string("space"), ref.string("stack"),
                ref.string("cell"));
        ref.rejectUnknown();
        return read;
    }
}
