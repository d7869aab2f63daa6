package io.kukeon.supervisor.container;

import io.kukeon.model.ContainerSpec;
import io.kukeon.model.MountRules;
import io.kukeon.model.TmpfsMount;
import io.kukeon.model.VolumeMount;
import io.kukeon.runtime.OciMount;
import io.kukeon.runtime.RuntimeFailure;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A container's {@code volumes} and {@code tmpfs} as OCI mounts, and the host's side of its binds.
 * <p>
 * They come after the runtime's standard mounts, so that a tmpfs of the user's on {@code /run} or
 * {@code /dev/shm} wins over the standard one, and shallower targets before deeper ones, so that
 * {@code /data} does not hide {@code /data/cache}. A read-only bind is not recursive: runc makes
 * only the top of a recursive bind read-only, and a mount below the source would stay writable.
 */
final class ContainerMounts {
    /** The reason of a start that failed for a bind whose source is gone. */
    static final String SOURCE_MISSING = "VolumeSourceMissing";
    private static final Set<PosixFilePermission> ENSURED_DIRECTORY = PosixFilePermissions.fromString("rwxr-xr-x");

    private ContainerMounts() {}

    /** The OCI mounts of the container's volumes and tmpfs, in the order runc makes them. */
    static List<OciMount> of(ContainerSpec spec) {
        List<OciMount> mounts = new ArrayList<>();
        spec.volumes().forEach(v -> mounts.add(volume(v)));
        spec.tmpfs().forEach(t -> mounts.add(tmpfs(t)));
        mounts.sort(Comparator.comparingLong(m -> m.destination().chars().filter(c -> c == '/').count()));
        return mounts;
    }

    private static OciMount volume(VolumeMount v) {
        if (v.kind() == VolumeMount.Kind.BIND) {
            return new OciMount(v.target(), "bind", v.source(),
                    v.readOnly() ? List.of("bind", "rprivate", "ro") : List.of("rbind", "rprivate", "rw"));
        }
        List<String> options = new ArrayList<>(List.of("nosuid", "nodev", "size=" + v.sizeBytes()));
        if (v.mode() != null) {
            options.add("mode=" + MountRules.octal(v.mode()));
        }
        options.add(v.readOnly() ? "ro" : "rw");
        return new OciMount(v.target(), "tmpfs", "tmpfs", options);
    }

    private static OciMount tmpfs(TmpfsMount t) {
        Set<String> options = new LinkedHashSet<>(List.of("nosuid", "nodev"));
        options.addAll(t.options());
        options.add("size=" + t.sizeBytes());
        return new OciMount(t.path(), "tmpfs", "tmpfs", List.copyOf(options));
    }

    /**
     * Readies the host's side of the binds before the container is made: a missing source with
     * {@code ensure} becomes a directory (0755, and its missing parents); one without fails the
     * start, naming the volume. The apply checked the sources; this is for one gone since.
     */
    static void prepareSources(ContainerSpec spec) {
        for (int i = 0; i < spec.volumes().size(); i++) {
            VolumeMount v = spec.volumes().get(i);
            if (v.kind() != VolumeMount.Kind.BIND) {
                continue;
            }
            Path source = Path.of(v.source());
            if (v.ensure()) {
                ensureDirectory(source, describe(v, i));
            } else if (!Files.exists(source)) {
                throw new RuntimeFailure(SOURCE_MISSING, describe(v, i) + ": its source " + source
                        + " does not exist on the host (create it, or set ensure: true)");
            }
        }
    }

    /** Makes each missing directory of {@code dir} 0755 whatever the umask; what exists is left as it is. */
    private static void ensureDirectory(Path dir, String volume) {
        List<Path> missing = new ArrayList<>();
        for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
            missing.add(0, p);
        }
        try {
            for (Path p : missing) {
                try {
                    Files.createDirectory(p);
                    Files.setPosixFilePermissions(p, ENSURED_DIRECTORY);
                } catch (FileAlreadyExistsException raced) {
                    // made meanwhile (another container of the cell ensures the same source): fine
                }
            }
        } catch (IOException e) {
            throw new RuntimeFailure(SOURCE_MISSING, volume + ": cannot create its source " + dir + ": " + e.getMessage());
        }
    }

    private static String describe(VolumeMount v, int index) {
        return "volumes[" + index + "] (target " + v.target() + ")";
    }
}
