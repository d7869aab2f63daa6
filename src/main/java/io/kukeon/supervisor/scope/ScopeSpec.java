package io.kukeon.supervisor.scope;

import io.kukeon.model.ContainerDefaults;
import io.kukeon.model.EgressPolicy;
import io.kukeon.model.RealmSpec;
import io.kukeon.model.RegistryCredential;
import io.kukeon.model.Resources;
import io.kukeon.model.SpaceSpec;
import io.kukeon.model.StackSpec;
import io.kukeon.model.TreeObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The spec of a realm, space or stack as the journal stores it: one shape for the three levels
 * (space and stack simply leave the realm's fields empty, realm and stack the space's).
 *
 * @param egress        a space's egress policy; a journal written before it existed has none, which
 *                      reads as {@link EgressPolicy#ALLOW_ALL}, what such a space had
 * @param cniConfigPath a space's {@code spec.cniConfigPath}; null for the others, and in journals written before it
 * @param containerDefaults a space's {@code spec.defaults.container}; none for the others, and in journals written before it
 */
public record ScopeSpec(String namespace, List<RegistryCredential> registryCredentials, Resources resources,
                        EgressPolicy egress, String cniConfigPath, ContainerDefaults containerDefaults) {

    public ScopeSpec {
        registryCredentials = registryCredentials == null ? List.of() : List.copyOf(registryCredentials);
        resources = Resources.orNone(resources);
        egress = egress == null ? EgressPolicy.ALLOW_ALL : egress;
        containerDefaults = ContainerDefaults.orNone(containerDefaults);
    }

    public ScopeSpec(String namespace, List<RegistryCredential> registryCredentials, Resources resources) {
        this(namespace, registryCredentials, resources, EgressPolicy.ALLOW_ALL, null, ContainerDefaults.NONE);
    }

    public static ScopeSpec defaults() {
        return new ScopeSpec(null, List.of(), Resources.NONE);
    }

    public static ScopeSpec of(TreeObject desired) {
        if (desired instanceof TreeObject.Realm r) {
            return new ScopeSpec(r.spec().namespace(), r.spec().registryCredentials(), r.spec().resources());
        }
        if (desired instanceof TreeObject.Space s) {
            return new ScopeSpec(null, List.of(), s.spec().resources(), s.spec().egress(), s.spec().cniConfigPath(),
                    s.spec().containerDefaults());
        }
        if (desired instanceof TreeObject.Stack s) {
            return new ScopeSpec(null, List.of(), s.spec().resources());
        }
        throw new IllegalArgumentException("not a realm, space or stack: " + desired.kind());
    }

    public RealmSpec realmSpec() {
        return new RealmSpec(namespace, registryCredentials, resources);
    }

    public SpaceSpec spaceSpec() {
        return new SpaceSpec(resources, egress, cniConfigPath, containerDefaults);
    }

    public StackSpec stackSpec() {
        return new StackSpec(resources);
    }

    /**
     * The desired spec with redacted passwords (as Get shows them) replaced by the stored ones
     * of the same registry and user, so that {@code get -o yaml | apply} changes nothing.
     */
    public ScopeSpec keepingPasswordsOf(ScopeSpec stored, String redacted) {
        List<RegistryCredential> merged = new ArrayList<>();
        for (RegistryCredential c : registryCredentials) {
            if (redacted.equals(c.password())) {
                RegistryCredential old = stored.registryCredentials.stream()
                        .filter(o -> o.serverAddress().equals(c.serverAddress()) && o.username().equals(c.username()))
                        .findFirst().orElse(null);
                merged.add(old != null ? old : c);
            } else {
                merged.add(c);
            }
        }
        return new ScopeSpec(namespace, merged, resources, egress, cniConfigPath, containerDefaults);
    }

}
