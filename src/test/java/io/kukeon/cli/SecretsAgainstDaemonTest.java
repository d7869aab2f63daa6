package io.kukeon.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kukeon.wire.v1.ListSecretsRequest;
import io.kukeon.wire.v1.PutSecretRequest;
import io.kukeon.testing.Eventually;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Secrets through kuke and the API against a kukeond in this JVM: values go in and never come out. */
class SecretsAgainstDaemonTest extends AgainstTestDaemon {
    private static final String VALUE = "s3cr3t-value-4711";

    @Test
    void createGetApplyBackAndDeleteNeverShowTheValue() throws Exception {
        ok("init");
        assertEquals("secret \"db\": created in realm \"default\"\n", ok("create", "secret", "db", "--from-literal", VALUE).out());
        assertEquals("secret \"db\": unchanged in realm \"default\"\n", ok("create", "secret", "db", "--from-literal", VALUE).out());
        Path file = work.resolve("token.txt");
        Files.writeString(file, "from a file");
        assertEquals("secret \"api\": created in stack \"default/default/default\"\n",
                ok("create", "secret", "api", "--from-file", file.toString(), "--space", "default", "--stack", "default").out());

        String table = ok("get", "secrets").out();
        assertTrue(table.matches("NAME +SCOPE +SIZE +AGE\ndb +default +17B +\\d+s\napi +default/default/default +11B +\\d+s\n"), table);
        KukeRun missing = kuke("get", "secrets", "--realm", "default", "--space", "default", "--stack", "other");
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("stack \"other\" not found"), missing.err());
        assertEquals("No secrets found in space \"default\", stack \"other\".\n",
                ok("get", "secrets", "--space", "default", "--stack", "other").out(), "without a realm: stacks of that name anywhere");
        ok("create", "realm", "empty");
        assertEquals("No secrets found in realm \"empty\".\n", ok("get", "secrets", "--realm", "empty").out());

        String yaml = ok("get", "secrets", "-o", "yaml").out();
        assertEquals("---\napiVersion: v1beta1\nkind: Secret\nmetadata:\n  name: db\n  realm: default\nspec:\n  data: <redacted>\n"
                + "---\napiVersion: v1beta1\nkind: Secret\nmetadata:\n  name: api\n  realm: default\n  space: default\n"
                + "  stack: default\nspec:\n  data: <redacted>\n", yaml);
        String json = ok("get", "secret", "db", "-o", "json").out();
        assertTrue(json.contains("\"data\": \"<redacted>\"") || json.contains("\"data\":\"<redacted>\""), json);
        Path back = work.resolve("back.yaml");
        Files.writeString(back, yaml);
        assertEquals("Secret \"db\": unchanged\nSecret \"api\": unchanged\n", ok("apply", "-f", back.toString()).out());
        assertEquals("Secret \"db\": unchanged (dry run)\nSecret \"api\": unchanged (dry run)\n",
                ok("apply", "--dry-run", "-f", back.toString()).out());

        Path changed = work.resolve("changed.yaml");
        Files.writeString(changed, "apiVersion: v1beta1\nkind: Secret\nmetadata: {name: db, realm: default}\nspec: {data: other}\n");
        assertEquals("Secret \"db\": updated\n", ok("apply", "-f", changed.toString()).out());
        assertTrue(ok("get", "secret", "db").out().contains(" 5B "));

        assertEquals("Deleted secret \"db\" from realm \"default\"\n", ok("delete", "secret", "db").out());
        KukeRun gone = kuke("get", "secret", "db");
        assertEquals(1, gone.exit());
        assertTrue(gone.err().contains("secret \"db\" not found in realm \"default\""), gone.err());

        String events = ok("events").out();
        assertTrue(events.contains("secret \"api\" put (11 bytes)"), events);
        assertFalse(events.contains(VALUE) || events.contains("from a file"), events);
        assertNotInAnyFile(dataDir, VALUE);
        assertNotInAnyFile(dataDir, "from a file");
    }

    @Test
    void aStacksSecretsGoWithItsCascadeDelete() throws IOException {
        ok("init");
        ok("create", "secret", "api", "--from-literal", VALUE, "--space", "default", "--stack", "default");
        ok("create", "secret", "db", "--from-literal", VALUE);
        ok("delete", "stack", "default", "--cascade");
        assertEquals("db\n", names(""));
        ok("create", "stack", "default");
        assertEquals("", names("default/default/default"));
    }

    @Test
    void secretsSurviveARestartOfKukeond() throws Exception {
        ok("init");
        ok("create", "secret", "api", "--from-literal", VALUE, "--space", "default");
        daemon.restart();
        env = envFor(daemon);
        // the index fills as the scopes' actors recover, as it does for objects
        String table = Eventually.value("the space's secret listed", Duration.ofSeconds(10),
                () -> ok("get", "secrets").out().contains("api ") ? ok("get", "secrets").out() : null);
        assertTrue(table.matches("NAME +SCOPE +SIZE +AGE\napi +default/default +17B +\\d+s\n"), table);
        assertEquals("secret \"api\": unchanged in space \"default/default\"\n",
                ok("create", "secret", "api", "--from-literal", VALUE, "--space", "default").out());
    }

    @Test
    void limitsAndBadInputNameTheFieldAndChangeNothing() throws IOException {
        ok("init");
        var api = daemon.client();
        StatusRuntimeException tooLarge = assertThrows(StatusRuntimeException.class, () -> api.putSecret(PutSecretRequest
                .newBuilder().setScope("default").setName("big").setData("x".repeat((1 << 20) + 1)).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, tooLarge.getStatus().getCode());
        assertTrue(tooLarge.getStatus().getDescription().startsWith("data: is 1048577 bytes; at most 1048576"),
                tooLarge.getStatus().getDescription());
        for (int i = 0; i < 64; i++) {
            api.putSecret(PutSecretRequest.newBuilder().setScope("default/default").setName("s" + i).setData("v").build());
        }
        StatusRuntimeException full = assertThrows(StatusRuntimeException.class, () -> api.putSecret(PutSecretRequest
                .newBuilder().setScope("default/default").setName("s64").setData("v").build()));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, full.getStatus().getCode());
        assertTrue(full.getStatus().getDescription().contains("space \"default/default\" holds 64 secrets; at most 64"),
                full.getStatus().getDescription());
        assertEquals(64, api.listSecrets(ListSecretsRequest.newBuilder().setScope("default/default").build()).getSecretsCount());

        KukeRun noSpace = kuke("create", "secret", "x", "--from-literal", "v", "--stack", "default");
        assertEquals(1, noSpace.exit());
        assertTrue(noSpace.err().contains("--stack: needs --space"), noSpace.err());
        KukeRun badName = kuke("create", "secret", "Bad_Name", "--from-literal", "v");
        assertEquals(1, badName.exit());
        assertTrue(badName.err().contains("NAME: \"Bad_Name\" must be 1-63 characters of letters"), badName.err());
        KukeRun noScope = kuke("create", "secret", "x", "--from-literal", "v", "--realm", "nope");
        assertEquals(1, noScope.exit());
        assertTrue(noScope.err().contains("realm \"nope\" not found"), noScope.err());
        KukeRun both = kuke("create", "secret", "x", "--from-literal", "v", "--from-file", "/etc/hostname");
        assertEquals(2, both.exit(), both.err());
        assertFalse(names("").contains("x\n"), "nothing was created by the refused requests");
    }

    @Test
    void aSecretDocumentIsReadAndCheckedByField() throws IOException {
        ok("init");
        Path manifest = work.resolve("secrets.yaml");
        Files.writeString(manifest, "apiVersion: v1beta1\nkind: Secret\nmetadata: {name: a, realm: default, stack: web}\n"
                + "spec: {data: x}\n---\napiVersion: v1beta1\nkind: Secret\nmetadata: {name: b, realm: default}\nspec: {dta: x}\n"
                + "---\napiVersion: v1beta1\nkind: Secret\nmetadata: {name: c, realm: gone}\nspec: {data: x}\n"
                + "---\napiVersion: v1beta1\nkind: Secret\nmetadata: {name: d, realm: default}\nspec: {data: <redacted>}\n");
        KukeRun r = kuke("apply", "-f", manifest.toString());
        assertEquals(1, r.exit());
        assertEquals("Secret \"c\": failed\n  Error: line 11: realm \"gone\" not found\n"
                + "Secret \"d\": failed\n  Error: line 16: spec.data: is <redacted> but realm \"default\" holds no secret \"d\" whose value it could stand for\n"
                + "Secret \"a\": failed\n  Error: line 3: metadata.stack: needs metadata.space: a deeper coordinate requires the shallower ones\n"
                + "Secret \"b\": failed\n  Error: line 9: spec.dta: unknown field; did you mean data?\n", r.out());
        assertEquals("", names(""));
    }

    @Test
    void oneManifestHoldsTheSecretsAndTheCellThatReadsTheNearestOne() throws Exception {
        Path manifest = work.resolve("app.yaml");
        Files.writeString(manifest, """
                apiVersion: v1beta1
                kind: Cell
                metadata: {name: app}
                spec:
                  realmId: default
                  spaceId: default
                  stackId: web
                  containers:
                    - {id: app, image: busybox, command: sleep, args: ['3600'], secrets: [{name: DB, secretRef: {name: db}}]}
                ---
                apiVersion: v1beta1
                kind: Secret
                metadata: {name: db, realm: default, space: default}
                spec: {data: space-value}
                ---
                apiVersion: v1beta1
                kind: Secret
                metadata: {name: db, realm: default}
                spec: {data: realm-value}
                ---
                apiVersion: v1beta1
                kind: Stack
                metadata: {name: web}
                spec: {realmId: default, spaceId: default}
                """);
        assertEquals("Stack \"web\": created\nSecret \"db\": created\nSecret \"db\": created\nCell \"app\": created\n",
                ok("apply", "-f", manifest.toString()).out(), "the stack's parents first, then the secrets, then the cell");
        String env = Eventually.value("the container made", Duration.ofSeconds(10), () -> daemon.runtime.containers().values()
                .stream().flatMap(c -> c.request().env().stream()).filter(e -> e.startsWith("DB=")).findFirst().orElse(null));
        assertEquals("DB=space-value", env, "the space's secret is nearer than the realm's");

        // the cell's own secret is nearer still; the running container sees it at its next start
        String[] cellScope = {"--space", "default", "--stack", "web", "--cell", "app"};
        assertEquals("secret \"db\": created in cell \"default/default/web/app\"\n",
                ok(concat(new String[]{"create", "secret", "db", "--from-literal", "cell-value"}, cellScope)).out());
        assertTrue(ok("get", "secrets").out().contains("db     default/default/web/app   10B"), ok("get", "secrets").out());
        ok("restart", "app", "--stack", "web");
        assertEquals("DB=cell-value", Eventually.value("the restarted container", Duration.ofSeconds(10), () -> daemon.runtime
                .containers().values().stream().flatMap(c -> c.request().env().stream()).filter("DB=cell-value"::equals)
                .findFirst().orElse(null)));
        ok("delete", "cell", "app", "--stack", "web");
        assertEquals("db\ndb\n", names(""), "the cell's secret went with it; the space's and the realm's stay");

        Path lost = work.resolve("lost.yaml");
        Files.writeString(lost, "kind: Cell\nmetadata: {name: lost}\nspec: {realmId: default, spaceId: default, stackId: web,"
                + " containers: [{id: a, image: busybox, secrets: [{name: X, secretRef: {name: nope}}]}]}\n");
        KukeRun refused = kuke("apply", "-f", lost.toString());
        assertEquals(1, refused.exit());
        assertEquals("Cell \"lost\": failed\n  Error: line 1: spec.containers[0].secrets[0].secretRef: Secret \"nope\" (nearest"
                + " scope) does not exist in cell \"default/default/web/lost\" nor above it; create it first\n", refused.out());
        assertEquals(1, kuke("get", "cell", "lost", "--stack", "web").exit(), "the refused cell was not created");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Names of the secrets at or under {@code scope} ("" = everywhere), one a line. */
    private String names(String scope) throws IOException {
        StringBuilder out = new StringBuilder();
        daemon.client().listSecrets(ListSecretsRequest.newBuilder().setScope(scope).build()).getSecretsList()
                .forEach(s -> out.append(s.getName()).append('\n'));
        return out.toString();
    }

    static void assertNotInAnyFile(Path dir, String value) throws IOException {
        byte[] needle = value.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(f);
                assertFalse(indexOf(bytes, needle) >= 0, () -> "the value is in " + f);
            }
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
