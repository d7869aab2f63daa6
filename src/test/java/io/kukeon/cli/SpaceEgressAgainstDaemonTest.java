package io.kukeon.cli;

import io.kukeon.model.EgressPolicy;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A space's egress policy as a user meets it: apply, get -o yaml and -o wide, an edit, bad input. */
class SpaceEgressAgainstDaemonTest extends AgainstTestDaemon {
    private static final String SPACES = """
            apiVersion: v1beta1
            kind: Space
            metadata: {name: locked}
            spec:
              realmId: demo
              network:
                egress:
                  default: deny
                  allow:
                    - cidr: 10.20.0.0/16
                      ports: [5432]
                    - host: api.example.com
            ---
            apiVersion: v1beta1
            kind: Space
            metadata: {name: open}
            spec: {realmId: demo}
            """;

    @Test
    void wideShowsEachSpacesEgressAndYamlAppliesBackUnchanged() throws Exception {
        ok("apply", "-f", write("spaces.yaml", SPACES));

        String wide = ok("get", "spaces", "--realm", "demo", "-o", "wide").out();
        assertTrue(wide.startsWith("NAME     REALM   STATE   AGE   EGRESS\n"), wide);
        assertTrue(wide.matches("(?s).*\\nlocked\\s+demo\\s+Ready\\s+\\S+\\s+deny\\+2\\n.*"), wide);
        assertTrue(wide.matches("(?s).*\\nopen\\s+demo\\s+Ready\\s+\\S+\\s+allow\\n.*"), wide);

        String yaml = ok("get", "space", "locked", "--realm", "demo", "-o", "yaml").out();
        assertTrue(yaml.contains("""
                  network:
                    egress:
                      default: deny
                      allow:
                      - cidr: 10.20.0.0/16
                        ports:
                        - 5432
                      - host: api.example.com
                """), yaml);
        int changes = daemon.egress.changes();
        String again = ok("apply", "-f", write("back.yaml", yaml)).out();
        assertTrue(again.contains("unchanged"), again);
        assertEquals(changes, daemon.egress.changes(), "get -o yaml | apply changes no rule");
    }

    @Test
    void anEditedPolicyReplacesTheSpacesRules() throws Exception {
        ok("apply", "-f", write("spaces.yaml", SPACES));

        String out = ok("apply", "-f", write("edited.yaml", SPACES.replace("default: deny", "default: allow"))).out();

        assertTrue(out.contains("updated"), out);
        EgressPolicy now = daemon.egress.applied().get("demo/locked").policy();
        assertEquals(EgressPolicy.Default.ALLOW, now.defaultAction());
        assertEquals(List.of(EgressPolicy.Target.cidr("10.20.0.0/16", 5432), EgressPolicy.Target.host("api.example.com")), now.allow());
    }

    @Test
    void aBadPolicyIsRefusedNamingItsFieldAndChangesNothing() throws Exception {
        KukeRun refused = kuke("apply", "-f", write("bad.yaml", SPACES.replace("10.20.0.0/16", "10.20.0.1/16")));

        assertNotEquals(0, refused.exit());
        assertTrue((refused.out() + refused.err()).contains(
                "spec.network.egress.allow[0].cidr: \"10.20.0.1/16\" has host bits set; the network is 10.20.0.0/16"),
                refused.out() + refused.err());
        assertTrue(daemon.egress.applied().get("demo/locked") == null, "no rules for the refused space");
        assertNotEquals(0, kuke("get", "space", "locked", "--realm", "demo").exit(), "the space was not made");
    }

    private String write(String name, String yaml) throws Exception {
        Path file = work.resolve(name);
        Files.writeString(file, yaml);
        return file.toString();
    }
}
