package io.kukeon.runtime.oci;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kukeon.model.ContainerSecurity;
import io.kukeon.model.InvalidArgumentException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a container's {@link ContainerSecurity} makes of its OCI spec (capabilities, devices,
 * seccomp, masked paths), and the check at apply of what it names on the host.
 */
public final class OciSecurity {
    private static final Path HOST_DEV = Path.of("/dev");
    private static final List<String> HOST_CAPABILITIES = hostCapabilities(Path.of("/proc/self/status"));

    private OciSecurity() {}

    /**
     * Checks that kukeond holds the capabilities added, that the devices exist on the host as device
     * nodes and that a seccomp profile file is one, so that an apply naming a missing one changes nothing.
     *
     * @param field the container's field, e.g. {@code spec.containers[1]}
     * @throws io.kukeon.model.InvalidArgumentException naming the device or option
     */
    public static void checkOnHost(ContainerSecurity s, String field) {
        checkHeld(s.capabilities().add(), HOST_CAPABILITIES, field + ".capabilities.add");
        for (int i = 0; i < s.devices().size(); i++) {
            HostDevices.of(s.devices().get(i), field + ".devices[" + i + "]");
        }
        profile(s, field);
    }

    /** runc cannot give a container a capability kukeond lacks: refused at apply rather than at the start. */
    static void checkHeld(List<String> added, List<String> held, String field) {
        for (int i = 0; i < added.size(); i++) {
            String name = added.get(i);
            if (!name.equals(ContainerSecurity.ALL) && !held.contains(name)) {
                throw new InvalidArgumentException(field + "[" + i + "]", name + " is not in kukeond's own bounding set"
                        + " on this host, so no container of it can have it");
            }
        }
    }

    /**
     * Docker's rule: {@code add: [ALL]} is every capability but those dropped; {@code drop: [ALL]}
     * leaves only those added; else the base set (the 14 defaults, every one kukeond holds when privileged) minus
     * those dropped plus those added.
     */
    static List<String> capabilities(ContainerSecurity s, List<String> defaults) {
        ContainerSecurity.Capabilities c = s.capabilities();
        Set<String> caps = new LinkedHashSet<>();
        if (c.add().contains(ContainerSecurity.ALL)) {
            caps.addAll(HOST_CAPABILITIES);
            c.drop().forEach(caps::remove);
            return List.copyOf(caps);
        }
        if (!c.drop().contains(ContainerSecurity.ALL)) {
            caps.addAll(s.privileged() ? HOST_CAPABILITIES : defaults);
            c.drop().forEach(caps::remove);
        }
        caps.addAll(c.add());
        return List.copyOf(caps);
    }

    /** {@code linux.devices}, the cgroup rules that allow them, {@code linux.seccomp} and the masked paths. */
    static void apply(ObjectNode linux, ContainerSecurity s, List<String> maskedPaths, List<String> readonlyPaths) {
        ArrayNode allowed = (ArrayNode) linux.get("resources").get("devices");
        List<HostDevices.Device> devices = new ArrayList<>();
        if (s.privileged()) {
            devices.addAll(HostDevices.all(HOST_DEV));
            allowed.addObject().put("allow", true).put("access", "rwm");
        }
        for (int i = 0; i < s.devices().size(); i++) {
            String path = s.devices().get(i);
            devices.removeIf(d -> d.path().equals(path));
            HostDevices.Device d = HostDevices.of(path, "devices[" + i + "]");
            devices.add(d);
            allowed.addObject().put("allow", true).put("type", d.type()).put("major", d.major()).put("minor", d.minor())
                    .put("access", "rwm");
        }
        if (!devices.isEmpty()) {
            ArrayNode nodes = linux.putArray("devices");
            for (HostDevices.Device d : devices) {
                nodes.addObject().put("path", d.path()).put("type", d.type()).put("major", d.major())
                        .put("minor", d.minor()).put("fileMode", d.fileMode()).put("uid", d.uid()).put("gid", d.gid());
            }
        }
        ObjectNode seccomp = profile(s, "");
        if (seccomp != null) {
            linux.set("seccomp", seccomp);
        }
        if (!s.privileged()) {
            maskedPaths.forEach(linux.putArray("maskedPaths")::add);
            readonlyPaths.forEach(linux.putArray("readonlyPaths")::add);
        }
    }

    /** The profile the container runs under; null for none (unconfined, or privileged without a profile of its own). */
    private static ObjectNode profile(ContainerSecurity s, String field) {
        String seccomp = s.seccomp();
        if (seccomp == null) {
            return s.privileged() ? null : SeccompProfiles.defaultProfile();
        }
        if (seccomp.equals(ContainerSecurity.UNCONFINED)) {
            return null;
        }
        int option = s.securityOpts().indexOf(ContainerSecurity.SECCOMP + "=" + seccomp);
        return SeccompProfiles.read(seccomp, (field.isEmpty() ? "" : field + ".") + "securityOpts[" + option + "]");
    }

    /**
     * The capabilities kukeond may hand on: those of its own bounding set ({@code CapBnd} of
     * {@code /proc/self/status}), as ctr's "all current capabilities" (a host may withhold some, and
     * runc refuses to give one it lacks); all we know of when it cannot be read.
     */
    static List<String> hostCapabilities(Path procStatus) {
        List<String> known = ContainerSecurity.CAPABILITY_NAMES;
        try {
            // not readString: it trusts the size procfs reports and may read a single byte
            for (String line : Files.readAllLines(procStatus)) {
                if (line.startsWith("CapBnd:")) {
                    long bounding = Long.parseUnsignedLong(line.substring("CapBnd:".length()).trim(), 16);
                    List<String> held = new ArrayList<>();
                    for (int bit = 0; bit < known.size(); bit++) {
                        if ((bounding & (1L << bit)) != 0) {
                            held.add(known.get(bit));
                        }
                    }
                    return List.copyOf(held);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // below
        }
        return known;
    }
}
