package io.kukeon.runtime.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kukeon.model.InvalidArgumentException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Seccomp profiles in the OCI runtime spec's {@code linux.seccomp} shape: kukeond's default (generated
 * by {@code scripts/seccomp/generate-default-profile.py}) and the files {@code seccomp=<path>} names.
 */
final class SeccompProfiles {
    /** A profile file larger than this is refused: the default is under 8 KiB. */
    static final long MAX_PROFILE_BYTES = 1 << 20;
    static final String DEFAULT_RESOURCE = "default-seccomp.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectNode DEFAULT = loadDefault();

    private SeccompProfiles() {}

    /** A fresh copy of the default profile (default-deny, EPERM). */
    static ObjectNode defaultProfile() {
        return DEFAULT.deepCopy();
    }

    /**
     * The profile in the file at {@code path}: a regular file of at most {@link #MAX_PROFILE_BYTES},
     * a JSON object with a {@code defaultAction} (runc checks the rest when it installs it).
     *
     * @throws InvalidArgumentException naming {@code field} when it cannot be read or is not a profile
     */
    static ObjectNode read(String path, String field) {
        Path p = Path.of(path);
        try {
            if (!Files.isRegularFile(p)) {
                throw new InvalidArgumentException(field, "seccomp profile \"" + path + "\" "
                        + (Files.exists(p, LinkOption.NOFOLLOW_LINKS) ? "is not a regular file" : "does not exist on the host"));
            }
            if (Files.size(p) > MAX_PROFILE_BYTES) {
                throw new InvalidArgumentException(field, "seccomp profile \"" + path + "\" is larger than "
                        + MAX_PROFILE_BYTES + " bytes");
            }
            JsonNode profile;
            try (InputStream in = Files.newInputStream(p)) {
                profile = JSON.readTree(in.readNBytes((int) MAX_PROFILE_BYTES + 1));
            }
            if (profile == null || !profile.isObject() || !profile.path("defaultAction").isTextual()) {
                throw new InvalidArgumentException(field, "seccomp profile \"" + path + "\" must be a JSON object with a"
                        + " defaultAction, as the OCI runtime spec's linux.seccomp");
            }
            return (ObjectNode) profile;
        } catch (NoSuchFileException e) {
            throw new InvalidArgumentException(field, "seccomp profile \"" + path + "\" does not exist on the host");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidArgumentException(field, "seccomp profile \"" + path + "\" is not JSON: "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidArgumentException(field, "seccomp profile \"" + path + "\" cannot be read: " + e.getMessage());
        }
    }

    private static ObjectNode loadDefault() {
        try (InputStream in = SeccompProfiles.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULT_RESOURCE + " is missing from the classpath");
            }
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + DEFAULT_RESOURCE, e);
        }
    }
}
