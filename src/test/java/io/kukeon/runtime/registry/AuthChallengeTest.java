package io.kukeon.runtime.registry;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuthChallengeTest {
    @Test
    void parsesDockerHubsBearerChallenge() {
        AuthChallenge c = AuthChallenge.parse("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                + "scope=\"repository:library/busybox:pull\"");
        assertTrue(c.isBearer());
        assertEquals("https://auth.docker.io/token", c.param("realm"));
        assertEquals("registry.docker.io", c.param("service"));
        assertEquals("repository:library/busybox:pull", c.param("scope"));
    }

    @Test
    void parsesUnquotedValuesSpacesAndEscapes() {
        AuthChallenge c = AuthChallenge.parse("bearer realm=https://r.example/token, service=reg , error=\"insufficient \\\"scope\\\"\"");
        assertTrue(c.isBearer());
        assertEquals("https://r.example/token", c.param("realm"));
        assertEquals("reg", c.param("service"));
        assertEquals("insufficient \"scope\"", c.param("error"));
    }

    @Test
    void parsesBasic() {
        AuthChallenge c = AuthChallenge.parse("Basic realm=\"kukeon-test\"");
        assertTrue(c.isBasic());
        assertEquals("kukeon-test", c.param("realm"));
        assertTrue(AuthChallenge.parse("Basic").isBasic());
    }

    @Test
    void noHeaderIsNoChallenge() {
        assertNull(AuthChallenge.parse(null));
        assertNull(AuthChallenge.parse("  "));
    }
}
