package io.kukeon.supervisor.tree;

import io.kukeon.model.RegistryCredential;
import io.kukeon.supervisor.TreeCommand;

import java.util.List;

/**
 * What every level below a realm needs of it to reach containerd: the realm's namespace and its
 * registry logins. A level gets it from its parent when it is spawned and again whenever the
 * realm's spec changes ({@link Changed}), so no runtime call looks it up anywhere else.
 */
public record RealmAccess(String namespace, List<RegistryCredential> credentials) {

    public RealmAccess {
        credentials = credentials == null ? List.of() : List.copyOf(credentials);
    }

    /** Parent → child: the realm's access changed; pass it on. */
    public record Changed(RealmAccess access) implements TreeCommand {}
}
