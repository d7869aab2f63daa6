package io.kukeon.supervisor.container;

import io.kukeon.model.ContainerSpec;
import io.kukeon.model.MountRules;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.TmpfsMount;
import io.kukeon.model.VolumeMount;
import io.kukeon.runtime.OciMount;
import io.kukeon.runtime.RuntimeFailure;
import io.kukeon.supervisor.VolumeIndex;
import io.kukeon.volumes.VolumeDirectories;

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
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A container's {@code volumes} and {@code tmpfs} as OCI mounts, and the host's side of its binds and
 * of its named Volumes (bound like a bind, from their directory under the data dir).
 * <p>
 * They come after the runtime's standard mounts, so that a tmpfs of the user's on {@code /run} or
 * {@code /dev/shm} wins over the standard one, and shallower targets before deeper ones, so that
 * {@code /data} does not hide {@code /data/cache}. A read-only bind is not recursive: runc makes
 * only the top of a recursive bind read-only, and a mount below the source would stay writable.
 */
final class ContainerMounts {
    /** The reason of a start that failed for a bind whose source is gone. */
    static final String SOURCE_MISSING = "VolumeSourceMissing";
    /** The reason of a start that failed for a named Volume that is gone, or whose directory could not be made. */
    static final String VOLUME_UNAVAILABLE = "VolumeUnavailable";
    private static final Set<PosixFilePermission> ENSURED_DIRECTORY = PosixFilePermissions.fromString("rwxr-xr-x");

    private ContainerMounts() {}

    /**
     * The OCI mounts of the container's volumes and tmpfs, in the order runc makes them.
     *
     * @param volumeSources the host directory of each {@code kind: volume} entry, by its index
     *                      ({@link #prepareVolumes})
     */
    static List<OciMount> of(ContainerSpec spec, Map<Integer, Path> volumeSources) {
        List<OciMount> mounts = new ArrayList<>();
        for (int i = 0; i < spec.volumes().size(); i++) {
            mounts.add(volume(spec.volumes().get(i), volumeSources.get(i)));
        }
        spec.tmpfs().forEach(t -> mounts.add(tmpfs(t)));
        mounts.sort(Comparator.comparingLong(m -> m.destination().chars().filter(c -> c == '/').count()));
        return mounts;
    }

    private static OciMount volume(VolumeMount v, Path volumeSource) {
        if (v.kind() == VolumeMount.Kind.BIND) {
            return bind(v.target(), v.source(), v.readOnly());
        }
        if (v.kind() == VolumeMount.Kind.VOLUME) {
            return bind(v.target(), volumeSource.toString(), v.readOnly());
        }
        List<String> options = new ArrayList<>(List.of("nosuid", "nodev", "size=" + v.sizeBytes()));
        if (v.mode() != null) {
            options.add("mode=" + MountRules.octal(v.mode()));
        }
        options.add(v.readOnly() ? "ro" : "rw");
        return new OciMount(v.target(), "tmpfs", "tmpfs", options);
    }

    private static OciMount bind(String target, String source, boolean readOnly) {
        return new OciMount(target, "bind", source,
                readOnly ? List.of("bind", "rprivate", "ro") : List.of("rbind", "rprivate", "rw"));
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

    /**
     * The host directories of the container's {@code kind: volume} entries, by index: each Volume
     * resolved from the container's cell (a missing one fails the start, naming it), its directory
     * made if it went missing, and the entry's {@code source} (with {@code ${CELL_NAME}} expanded)
     * made inside it. The apply checked the Volumes; this is for one deleted since.
     */
    static Map<Integer, Path> prepareVolumes(ContainerSpec spec, ObjectPath container, VolumeIndex volumes,
                                             VolumeDirectories directories) {
        Map<Integer, Path> sources = new TreeMap<>();
        ObjectPath cell = container.parent();
        for (int i = 0; i < spec.volumes().size(); i++) {
            VolumeMount v = spec.volumes().get(i);
            if (v.kind() != VolumeMount.Kind.VOLUME) {
                continue;
            }
            String entry = describe(v, i);
            VolumeIndex.Entry found = volumes.resolve(v.volumeRef(), cell).orElseThrow(() -> new RuntimeFailure(
                    VOLUME_UNAVAILABLE, entry + ": " + v.volumeRef().describe() + " does not exist"
                    + (v.volumeRef().hasScope() ? "" : " in the scopes above cell \"" + cell + "\"")
                    + " (create it with kuke create volume)"));
            try {
                sources.put(i, directories.mountSource(found.scope(), found.name(), v.subPathFor(cell.name())));
            } catch (IOException e) {
                throw new RuntimeFailure(VOLUME_UNAVAILABLE, entry + ": " + v.volumeRef().describe()
                        + ": " + e.getMessage(), e);
            }
        }
        return sources;
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
