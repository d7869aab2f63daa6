package io.kukeon.model;

import java.util.List;
import java.util.Set;

/**
 * One entry of a container's {@code tmpfs}: a tmpfs of its own at {@code path}. It is always
 * {@code nosuid} and {@code nodev}.
 *
 * @param path      where it appears in the container (absolute, normalised, not {@code /})
 * @param sizeBytes its limit, required
 * @param options   among {@link #FLAGS} and {@code mode=}, {@code uid=}, {@code gid=} (the size is {@code sizeBytes})
 */
public record TmpfsMount(String path, Long sizeBytes, List<String> options) {
    /** The options without a value a tmpfs may be given: none of them loosens what kukeond sets. */
    public static final Set<String> FLAGS = Set.of("ro", "rw", "nosuid", "nodev", "noexec");
    public static final int MAX_OPTIONS = 16;
    /** The largest uid or gid (2^32 - 2; -1 means "none" to the kernel). */
    private static final long MAX_ID = 4_294_967_294L;

    public TmpfsMount {
        options = options == null ? List.of() : List.copyOf(options);
    }

    /** Validates every field; {@code field} is the entry, e.g. {@code spec.containers[0].tmpfs[1]}. */
    public void validate(String field) {
        MountRules.requireTarget(field + ".path", path);
        MountRules.requireTmpfsSize(field + ".sizeBytes", sizeBytes);
        if (options.size() > MAX_OPTIONS) {
            throw new InvalidArgumentException(field + ".options", "at most " + MAX_OPTIONS + " options");
        }
        for (int i = 0; i < options.size(); i++) {
            checkOption(field + ".options[" + i + "]", options.get(i));
        }
        if (options.contains("ro") && options.contains("rw")) {
            throw new InvalidArgumentException(field + ".options", "ro and rw contradict each other");
        }
        for (String key : List.of("mode=", "uid=", "gid=")) {
            if (options.stream().filter(o -> o.startsWith(key)).count() > 1) {
                throw new InvalidArgumentException(field + ".options", key + " is given twice");
            }
        }
    }

    private static void checkOption(String field, String option) {
        if (option == null) {
            throw new InvalidArgumentException(field, "must not be null");
        }
        if (FLAGS.contains(option)) {
            return;
        }
        if (option.startsWith("mode=")) {
            MountRules.parseMode(field, option.substring(5));
        } else if (option.startsWith("uid=") || option.startsWith("gid=")) {
            if (!option.substring(4).matches("[0-9]{1,10}") || Long.parseLong(option.substring(4)) > MAX_ID) {
                throw new InvalidArgumentException(field, "\"" + Names.printable(option) + "\": "
                        + option.substring(0, 3) + " must be a number between 0 and " + MAX_ID);
            }
        } else if (option.startsWith("size=")) {
            throw new InvalidArgumentException(field, "the size is given by sizeBytes, not an option");
        } else {
            throw new InvalidArgumentException(field, "\"" + Names.printable(option) + "\" is not an option a tmpfs may"
                    + " take; allowed: ro, rw, nosuid, nodev, noexec, mode=<octal>, uid=<n>, gid=<n>");
        }
    }
}
