package io.kukeon.runtime.registry;

import io.kukeon.model.RegistryCredential;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class RegistryCredentialsTest {
    private final RegistryCredential any = new RegistryCredential("anyone", "p0", "");
    private final RegistryCredential local = new RegistryCredential("alice", "p1", "127.0.0.1:5000");
    private final RegistryCredential hub = new RegistryCredential("bob", "p2", "https://index.docker.io/v1/");
    private final RegistryCredential ghcr = new RegistryCredential("carol", "p3", "GHCR.io");

    @Test
    void theCredentialOfTheRegistryHostWins() {
        List<RegistryCredential> all = List.of(any, local, hub, ghcr);
        assertSame(local, RegistryCredentials.choose(all, "127.0.0.1:5000"));
        assertSame(hub, RegistryCredentials.choose(all, "docker.io"));
        assertSame(ghcr, RegistryCredentials.choose(all, "ghcr.io"));
    }

    @Test
    void elseTheOneWithoutServerAddress() {
        assertSame(any, RegistryCredentials.choose(List.of(local, any), "quay.io"));
        assertSame(any, RegistryCredentials.choose(List.of(local, any), "127.0.0.1:5001"), "the port is part of the host");
    }

    @Test
    void elseAnonymous() {
        assertNull(RegistryCredentials.choose(List.of(local, hub), "quay.io"));
        assertNull(RegistryCredentials.choose(List.of(), "docker.io"));
        assertNull(RegistryCredentials.choose(null, "docker.io"));
    }

    @Test
    void dockerHubHasManyNames() {
        assertEquals("docker.io", RegistryCredentials.canonicalHost("registry-1.docker.io"));
        assertEquals("docker.io", RegistryCredentials.canonicalHost("https://index.docker.io/v1/"));
        assertEquals("127.0.0.1:5000", RegistryCredentials.canonicalHost("http://127.0.0.1:5000"));
    }

    @Test
    void aCredentialNeverShowsItsPassword() {
        assertFalse(local.toString().contains("p1"));
    }
}
