package io.kukeon.model;

import java.util.ArrayList;
import java.util.List;

/**
 * @param namespace           the containerd namespace; null means {@code <realm>.<suffix>}
 * @param registryCredentials logins for pulling images into this realm
 * @param resources           limits of the realm's cgroup
 */
public record RealmSpec(String namespace, List<RegistryCredential> registryCredentials, Resources resources) {
    public static final RealmSpec DEFAULT = new RealmSpec(null, List.of(), Resources.NONE);

    public RealmSpec {
        registryCredentials = registryCredentials == null ? List.of() : List.copyOf(registryCredentials);
        resources = Resources.orNone(resources);
        namespace = namespace == null || namespace.isEmpty() ? null : namespace;
    }

    public void validate() {
        if (namespace != null && (namespace.length() > 76 || !namespace.matches("[a-z0-9]([-a-z0-9._]*[a-z0-9])?"))) {
            throw new InvalidArgumentException("spec.namespace",
                    "\"" + Names.printable(namespace) + "\" must be a containerd namespace: a-z, 0-9, '-', '.', '_', at most 76 characters");
        }
        for (int i = 0; i < registryCredentials.size(); i++) {
            if (registryCredentials.get(i) == null) {
                throw new InvalidArgumentException("spec.registryCredentials[" + i + "]", "must not be empty");
            }
            registryCredentials.get(i).validate("spec.registryCredentials[" + i + "]");
        }
        resources.validate("spec.resources");
    }

    /**
     * This spec with {@code credential} in place of the one for its server address (the first of
     * them, where others of that address go), or added last: one credential per server address.
     */
    public RealmSpec withCredential(RegistryCredential credential) {
        List<RegistryCredential> credentials = new ArrayList<>();
        boolean placed = false;
        for (RegistryCredential c : registryCredentials) {
            if (!c.serverAddress().equals(credential.serverAddress())) {
                credentials.add(c);
            } else if (!placed) {
                credentials.add(credential);
                placed = true;
            }
        }
        if (!placed) {
            credentials.add(credential);
        }
        return new RealmSpec(namespace, credentials, resources);
    }

    /** Whether the realm has a credential for this server address ("" = the default one). */
    public boolean hasCredentialFor(String serverAddress) {
        return registryCredentials.stream().anyMatch(c -> c.serverAddress().equals(serverAddress));
    }

    /** The namespace this realm uses on the given host. */
    public String namespaceOn(HostIds ids, String realm) {
        return namespace != null ? namespace : ids.namespace(realm);
    }

    /** The error for a realm whose namespace another realm holds. */
    public static FailedPreconditionException namespaceInUse(String namespace, String holder) {
        return new FailedPreconditionException("NamespaceInUse", "spec.namespace: the containerd namespace \""
                + namespace + "\" belongs to realm \"" + holder + "\"; a namespace belongs to one realm");
    }
}
