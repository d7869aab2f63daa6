package io.kukeon.runtime.registry;

import io.kukeon.model.RegistryCredential;

import java.util.List;
import java.util.Locale;

/** Which of a realm's credentials to use for a registry. */
public final class RegistryCredentials {
    private RegistryCredentials() {}

    /**
     * The credential whose serverAddress is the registry's host, else the first one without a
     * serverAddress, else null (anonymous).
     *
     * @param domain the registry host of the image reference, e.g. {@code docker.io}, {@code 127.0.0.1:5000}
     */
    public static RegistryCredential choose(List<RegistryCredential> credentials, String domain) {
        if (credentials == null) {
            return null;
        }
        String host = canonicalHost(domain);
        for (RegistryCredential c : credentials) {
            if (c != null && !c.serverAddress().isEmpty() && canonicalHost(c.serverAddress()).equals(host)) {
                return c;
            }
        }
        for (RegistryCredential c : credentials) {
            if (c != null && c.serverAddress().isEmpty()) {
                return c;
            }
        }
        return null;
    }

    /**
     * A server address as people write it ({@code https://index.docker.io/v1/}, {@code Docker.io},
     * {@code registry-1.docker.io}) reduced to the host (and port) it names.
     */
    static String canonicalHost(String address) {
        String h = address.trim().toLowerCase(Locale.ROOT);
        int scheme = h.indexOf("://");
        if (scheme >= 0) {
            h = h.substring(scheme + 3);
        }
        int slash = h.indexOf('/');
        if (slash >= 0) {
            h = h.substring(0, slash);
        }
        if (h.equals("index.docker.io") || h.equals(ImageReference.DOCKER_HUB_API)) {
            return ImageReference.DOCKER_HUB;
        }
        return h;
    }
}
