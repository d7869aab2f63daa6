package io.kukeon.model;

/**
 * One entry of a container's {@code volumes}: a directory or file of the host bound into the
 * container, a tmpfs of its own, or a named Volume's directory.
 *
 * @param kind      {@code bind} (the default), {@code tmpfs} or {@code volume}
 * @param source    bind: the host's path (absolute, normalised); tmpfs: none; volume: an optional
 *                  relative path inside the volume, where {@value #CELL_NAME} stands for the cell's
 *                  name (one directory per cell), made at start when missing
 * @param target    where it appears in the container (absolute, normalised, not {@code /})
 * @param readOnly  writes to it fail with EROFS
 * @param sizeBytes tmpfs: its limit, required; bind: none
 * @param mode      tmpfs: its root directory's mode (e.g. 0755; the kernel's default is 1777); bind: none
 * @param ensure    bind: kukeond makes the source directory (0755) at start when it is missing, rather
 *                  than refusing the apply
 * @param volumeRef volume: the Volume it mounts; else none
 */
public record VolumeMount(Kind kind, String source, String target, boolean readOnly, Long sizeBytes, Integer mode,
                          boolean ensure, VolumeRef volumeRef) {

    /** In a volume's {@code source}: the name of the mounting container's cell. */
    public static final String CELL_NAME = "${CELL_NAME}";

    public enum Kind {
        BIND("bind"),
        TMPFS("tmpfs"),
        VOLUME("volume");

        private final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        /** Empty means bind, as in the reference. */
        public static Kind parse(String field, String text) {
            if (text == null || text.isEmpty()) {
                return BIND;
            }
            for (Kind k : values()) {
                if (k.wire.equals(text)) {
                    return k;
                }
            }
            throw new InvalidArgumentException(field, "must be bind, tmpfs or volume (got \"" + Names.printable(text) + "\")");
        }
    }

    public VolumeMount {
        kind = kind == null ? Kind.BIND : kind;
        source = source == null || source.isEmpty() ? null : source;
    }

    public static VolumeMount bind(String source, String target, boolean readOnly, boolean ensure) {
        return new VolumeMount(Kind.BIND, source, target, readOnly, null, null, ensure, null);
    }

    public static VolumeMount tmpfs(String target, long sizeBytes, Integer mode) {
        return new VolumeMount(Kind.TMPFS, null, target, false, sizeBytes, mode, false, null);
    }

    /** @param subPath the {@code source} inside the volume, or null for its top */
    public static VolumeMount volume(VolumeRef ref, String subPath, String target, boolean readOnly) {
        return new VolumeMount(Kind.VOLUME, subPath, target, readOnly, null, null, false, ref);
    }

    /** A volume's {@code source} for the cell {@code cellName}: {@value #CELL_NAME} replaced; null for the volume's top. */
    public String subPathFor(String cellName) {
        return source == null ? null : source.replace(CELL_NAME, cellName);
    }

    /** Validates every field; {@code field} is the entry, e.g. {@code spec.containers[0].volumes[1]}. */
    public void validate(String field) {
        MountRules.requireTarget(field + ".target", target);
        if (kind != Kind.VOLUME && volumeRef != null) {
            throw new InvalidArgumentException(field + ".volumeRef", "applies to kind volume only");
        }
        if (kind == Kind.VOLUME) {
            validateVolume(field);
        } else if (kind == Kind.BIND) {
            MountRules.requireNormalisedAbsolute(field + ".source", source);
            if (sizeBytes != null) {
                throw new InvalidArgumentException(field + ".sizeBytes", "applies to kind tmpfs only (a bind has the size of its source)");
            }
            if (mode != null) {
                throw new InvalidArgumentException(field + ".mode", "applies to kind tmpfs only (a bind has its source's mode)");
            }
        } else {
            if (source != null) {
                throw new InvalidArgumentException(field + ".source", "applies to kind bind only (a tmpfs has no source)");
            }
            if (ensure) {
                throw new InvalidArgumentException(field + ".ensure", "applies to kind bind only (a tmpfs is always made)");
            }
            MountRules.requireTmpfsSize(field + ".sizeBytes", sizeBytes);
            if (mode != null && (mode < 0 || mode > 07777)) {
                throw new InvalidArgumentException(field + ".mode", "must be an octal mode between 0 and 7777 (got "
                        + Integer.toOctalString(mode) + ")");
            }
        }
    }

    private void validateVolume(String field) {
        if (volumeRef == null) {
            throw new InvalidArgumentException(field + ".volumeRef", "is required for kind volume ({name, realm?, space?, stack?})");
        }
        volumeRef.validate(field + ".volumeRef");
        if (source != null) {
            MountRules.requireSubPath(field + ".source", source.replace(CELL_NAME, "cell"));
        }
        if (sizeBytes != null) {
            throw new InvalidArgumentException(field + ".sizeBytes", "applies to kind tmpfs only (a volume has the size of what it holds)");
        }
        if (mode != null) {
            throw new InvalidArgumentException(field + ".mode", "applies to kind tmpfs only (a volume's directory is 2770)");
        }
        if (ensure) {
            throw new InvalidArgumentException(field + ".ensure", "applies to kind bind only (a volume's source is always made)");
        }
    }
}
