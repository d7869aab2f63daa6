package io.kukeon.runtime.registry;

import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Names;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An image reference in its normalized, fully qualified form, as Docker's distribution library
 * reads one: {@code busybox} is {@code docker.io/library/busybox:latest}, {@code user/app:1} is
 * {@code docker.io/user/app:1}; a first component with a dot, a colon or {@code localhost} is a
 * registry host; a reference without tag and digest gets {@code :latest}.
 *
 * @param domain     registry host as written, with its port (e.g. {@code 127.0.0.1:5000}); {@code docker.io} for Docker Hub
 * @param repository path in the registry, e.g. {@code library/busybox}
 * @param tag        null when the reference has only a digest
 * @param digest     {@code sha256:<hex>}, or null
 */
public record ImageReference(String domain, String repository, String tag, String digest) {
    public static final String DOCKER_HUB = "docker.io";
    /** Docker Hub's API host: docker.io itself does not serve the registry API. */
    public static final String DOCKER_HUB_API = "registry-1.docker.io";

    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern DOMAIN = Pattern.compile(
            "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]{1,5})?");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}");
    private static final int MAX_NAME = 255;

    /** The normalized form of {@code reference}; throws {@link InvalidArgumentException} for a malformed one. */
    public static String normalize(String reference) {
        return parse(reference).toString();
    }

    public static ImageReference parse(String reference) {
        if (reference == null || reference.isBlank()) {
            throw invalid(String.valueOf(reference), "is empty");
        }
        String rest = reference;
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (!DIGEST.matcher(digest).matches()) {
                throw invalid(reference, "has a malformed digest (expected algorithm:hex, e.g. sha256:<64 hex>)");
            }
        }
        String tag = null;
        int lastSlash = rest.lastIndexOf('/');
        int colon = rest.lastIndexOf(':');
        if (colon > lastSlash) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw invalid(reference, "has a malformed tag \"" + Names.printable(tag) + "\"");
            }
        }
        String domain = DOCKER_HUB;
        String path = rest;
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                domain = first;
                path = rest.substring(slash + 1);
            }
        }
        if (!DOMAIN.matcher(domain).matches()) {
            throw invalid(reference, "has a malformed registry host \"" + Names.printable(domain) + "\"");
        }
        if (domain.equals("index.docker.io")) {
            domain = DOCKER_HUB;
        }
        if (domain.equals(DOCKER_HUB) && !path.contains("/")) {
            path = "library/" + path;
        }
        for (String component : path.split("/", -1)) {
            if (!COMPONENT.matcher(component).matches()) {
                String why = component.toLowerCase(Locale.ROOT).equals(component) ? "a malformed repository name"
                        : "an upper-case repository name (must be lower case)";
                throw invalid(reference, "has " + why);
            }
        }
        if (domain.length() + 1 + path.length() > MAX_NAME) {
            throw invalid(reference, "has a name longer than " + MAX_NAME + " characters");
        }
        if (tag == null && digest == null) {
            tag = "latest";
        }
        return new ImageReference(domain, path, tag, digest);
    }

    private static InvalidArgumentException invalid(String reference, String why) {
        return new InvalidArgumentException("image", "\"" + Names.printable(reference) + "\" " + why);
    }

    /** The host to send registry API requests to. */
    public String apiHost() {
        return domain.equals(DOCKER_HUB) ? DOCKER_HUB_API : domain;
    }

    /** What the manifest is fetched by: the digest when there is one, else the tag. */
    public String manifestReference() {
        return digest != null ? digest : tag;
    }

    @Override
    public String toString() {
        return domain + "/" + repository + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    }
}
