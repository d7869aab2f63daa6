package io.kukeon.daemon;

import com.google.protobuf.ByteString;
import io.kukeon.api.Docs;
import io.kukeon.cgroup.MountInfo;
import io.kukeon.testing.BusyboxUpload;
import io.kukeon.testing.DaemonProcess;
import io.kukeon.testing.Eventually;
import io.kukeon.testing.RealHost;
import io.kukeon.wire.v1.ApplyRequest;
import io.kukeon.wire.v1.ApplyResult;
import io.kukeon.wire.v1.ContainerStatus;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.HistoryRequest;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.ListSecretsRequest;
import io.kukeon.wire.v1.ObjectDoc;
import io.kukeon.wire.v1.PutSecretRequest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A container's {@code secrets[]} against the real containerd, with a real kukeond process (so that
 * its environment is its own, and it can be killed): the values (from kukeond's environment, a host
 * file, or stored Secrets through {@code secretRef}) reach the container as a variable and as a 0400
 * file of its user that it cannot write, and they appear nowhere kukeond writes or shows.
 * The container prints only hashes of the values, so its log holds none of them either.
 */
@Tag("containerd")
class RealContainerSecretsTest {
    private static String cell(String name, String container) {
        return "apiVersion: v1beta1\nkind: Cell\nmetadata: {name: " + name + "}\nspec:\n  realmId: r\n  spaceId: s\n"
                + "  stackId: t\n  containers:\n    - id: app\n      image: docker.io/library/busybox:latest\n" + container;
    }

    private static final String CELLS = cell("vault", """
                  user: "1000:1000"
                  command: /bin/sh
                  args: ['-c', 'echo "env=$(printf %s "$TOKEN" | sha256sum | cut -c1-64)"; stat -c "file=%a %u %s" /run/secrets/key; echo "sum=$(sha256sum < /run/secrets/key | cut -c1-64)"; if (echo x > /run/secrets/key) 2>/dev/null; then echo write=allowed; else echo write=refused; fi; exec sleep 3600']
                  secrets:
                    - {name: TOKEN, fromEnv: KUKEON_TEST_SECRET}
                    - {name: key, fromFile: HOST_FILE, mountPath: /run/secrets/key}
            """) + "---\n" + cell("keeper", """
                  user: "1000:1000"
                  command: /bin/sh
                  args: ['-c', 'echo "ref-env=$(printf %s "$DB" | sha256sum | cut -c1-64)"; stat -c "ref-file=%a %u" /run/secrets/ca; echo "ref-sum=$(sha256sum < /run/secrets/ca | cut -c1-64)"; exec sleep 3600']
                  secrets:
                    - {name: DB, secretRef: {name: token}}
                    - {name: ca, secretRef: {name: ca, realm: r, space: s, stack: t}, mountPath: /run/secrets/ca}
            """) + "---\n" + cell("broken", """
                  command: sleep
                  args: ['3600']
                  secrets:
                    - {name: GONE, fromEnv: KUKEON_TEST_SECRET_NOT_SET}
            """);

    @TempDir
    Path work;

    @Test
    void secretsReachTheContainerAndNothingElseAlsoAfterAKill9() throws Exception {
        String envValue = "env-" + UUID.randomUUID();
        String fileValue = "file-" + UUID.randomUUID();
        String realmToken = "realm-" + UUID.randomUUID();   // hidden by the space's secret of the same name
        String spaceToken = "space-" + UUID.randomUUID();
        String caValue = "ca-" + UUID.randomUUID();
        String newCaValue = "ca2-" + UUID.randomUUID();
        Path hostFile = work.resolve("host-secret");
        Files.writeString(hostFile, fileValue);
        Path dataDir = work.resolve("data");
        Path secretsDir = work.resolve("secrets");
        try (RealHost host = new RealHost()) {
            Map<String, String> settings = new HashMap<>(host.daemonSettings());
            settings.put("secrets-dir", secretsDir.toString());
            // the cells' busybox sleep ignores SIGTERM: each of the two stops waits the whole grace, 2 s rather than 10
            settings.put("stop-timeout", "2s");
            try (DaemonProcess daemon = DaemonProcess.kukeond(dataDir, settings)
                    .withEnvironment(Map.of("KUKEON_TEST_SECRET", envValue))) {
                daemon.start();
                Docs.createStack(daemon.client(), "r/s/t");
                BusyboxUpload.into(daemon.asyncClient(), "r");
                put(daemon.client(), "r", "token", realmToken);
                put(daemon.client(), "r/s", "token", spaceToken);
                put(daemon.client(), "r/s/t", "ca", caValue);
                List<ApplyResult> results = daemon.client().apply(ApplyRequest.newBuilder()
                        .setManifest(ByteString.copyFromUtf8(CELLS.replace("HOST_FILE", hostFile.toString()))).build()).getResultsList();
                assertEquals("created", results.get(0).getOutcome(), results.toString());
                assertEquals("keeper", results.get(1).getName());
                assertEquals("created", results.get(1).getOutcome(), results.toString());
                Path keeperLog = dataDir.resolve("logs/r/s/t/keeper/app/current.log");
                List<String> fromStored = List.of("ref-env=" + sha256(spaceToken), "ref-file=400 1000", "ref-sum=" + sha256(caValue));
                assertEquals(fromStored, Eventually.value("the secretRef container's report", Duration.ofSeconds(30),
                        () -> lines(keeperLog, 3)));
                ApplyResult missing = daemon.client().apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(
                        cell("lost", "      command: sleep\n      args: ['3600']\n      secrets:\n"
                                + "        - {name: X, secretRef: {name: nope}}\n"))).build()).getResults(0);
                assertEquals("failed", missing.getOutcome());
                assertTrue(missing.getError().startsWith("spec.containers[0].secrets[0].secretRef: Secret \"nope\""),
                        missing.getError());

                Path log = dataDir.resolve("logs/r/s/t/vault/app/current.log");
                List<String> expected = List.of("env=" + sha256(envValue), "file=400 1000 " + fileValue.length(),
                        "sum=" + sha256(fileValue), "write=refused");
                assertEquals(expected, Eventually.value("the container's report", Duration.ofSeconds(30),
                        () -> lines(log, 4)));

                ContainerStatus broken = Eventually.value("the broken cell's failure", Duration.ofSeconds(30), () -> {
                    ContainerStatus s = container(daemon.client(), "r/s/t/broken", "app");
                    return s.getReason().isEmpty() ? null : s;
                });
                assertEquals("SecretUnavailable", broken.getReason(), broken.toString());
                assertTrue(broken.getMessage().contains("secret \"GONE\"")
                        && broken.getMessage().contains("KUKEON_TEST_SECRET_NOT_SET is not set"), broken.getMessage());

                daemon.kill9();
                daemon.start();
                // a start after the restart stages the values again, on the tmpfs the killed daemon left
                daemon.client().stop(LifecycleRequest.newBuilder().setKind("Cell").setPath("r/s/t/vault").build());
                daemon.client().start(LifecycleRequest.newBuilder().setKind("Cell").setPath("r/s/t/vault").build());
                // the new task's report, the first one kept as the previous run
                assertEquals(expected, Eventually.value("the report after the restart", Duration.ofSeconds(30),
                        () -> Files.exists(log.resolveSibling("previous.log")) ? lines(log, 4) : null));
                assertEquals(expected, io.kukeon.testing.CriLog.texts(log.resolveSibling("previous.log")));

                // the stored secrets survived the kill; a new value reaches the container at its next start
                assertEquals(3, Eventually.value("the secrets listed again", Duration.ofSeconds(30), () -> {
                    int n = daemon.client().listSecrets(ListSecretsRequest.newBuilder().setScope("r").build()).getSecretsCount();
                    return n == 3 ? n : null;
                }));
                put(daemon.client(), "r/s/t", "ca", newCaValue);
                daemon.client().stop(LifecycleRequest.newBuilder().setKind("Cell").setPath("r/s/t/keeper").build());
                daemon.client().start(LifecycleRequest.newBuilder().setKind("Cell").setPath("r/s/t/keeper").build());
                assertEquals("ref-sum=" + sha256(newCaValue), Eventually.value("the new value after the restart",
                        Duration.ofSeconds(30), () -> {
                            List<String> l = lines(keeperLog, 3);   // the new task's run (the last one is the previous)
                            return l == null || !l.get(2).equals("ref-sum=" + sha256(newCaValue)) ? null : l.get(2);
                        }));

                List<String> shown = new ArrayList<>();
                shown.add(daemon.client().get(GetRequest.newBuilder().setKind("Cell").setPath("r/s/t/vault").build()).toString());
                shown.add(daemon.client().get(GetRequest.newBuilder().setKind("Cell").setPath("r/s/t/broken").build()).toString());
                shown.add(daemon.client().get(GetRequest.newBuilder().setKind("Cell").setPath("r/s/t/keeper").build()).toString());
                shown.add(daemon.client().listSecrets(ListSecretsRequest.getDefaultInstance()).toString());
                for (String path : List.of("r", "r/s", "r/s/t", "r/s/t/vault", "r/s/t/vault/app", "r/s/t/broken/app",
                        "r/s/t/keeper/app")) {
                    String[] kinds = {"Realm", "Space", "Stack", "Cell", "Container"};
                    shown.add(daemon.client().history(HistoryRequest.newBuilder()
                            .setKind(kinds[path.split("/").length - 1]).setPath(path).build()).toString());
                }
                List<String> values = List.of(envValue, fileValue, realmToken, spaceToken, caValue, newCaValue);
                for (String text : shown) {
                    assertTrue(values.stream().noneMatch(text::contains), "a value is shown: " + text);
                }
                assertTrue(shown.get(shown.size() - 5).contains("secret \\\"ca\\\" put"), "the stack's history: " + shown);
                assertTrue(shown.get(0).contains("KUKEON_TEST_SECRET"), "get shows where the value comes from");
                assertEquals(List.of(), filesHolding(dataDir, values.toArray(String[]::new)),
                        "no file under the data dir (journal, logs, daemon log) holds a value");

                assertTrue(MountInfo.mountpoints().contains(secretsDir), "the staged file is on kukeond's tmpfs");
                assertEquals("tmpfs", Files.getFileStore(secretsDir).type());
                assertEquals(143, daemon.terminate());
                assertFalse(MountInfo.mountpoints().contains(secretsDir), "a clean stop unmounts the tmpfs");
            } finally {
                if (MountInfo.mountpoints().contains(secretsDir)) {   // the test's own mount, left by a failure
                    new ProcessBuilder("umount", "-l", secretsDir.toString()).inheritIO().start().waitFor();
                }
            }
        }
    }

    private static void put(KukeonGrpc.KukeonBlockingStub api, String scope, String name, String value) {
        api.putSecret(PutSecretRequest.newBuilder().setScope(scope).setName(name).setData(value).build());
    }

    private static ContainerStatus container(KukeonGrpc.KukeonBlockingStub api, String cell, String name) {
        ObjectDoc doc = api.get(GetRequest.newBuilder().setKind("Cell").setPath(cell).build()).getObject();
        return doc.getStatus().getContainersList().stream().filter(c -> c.getName().equals(name)).findFirst()
                .orElse(ContainerStatus.getDefaultInstance());
    }

    /** The log's lines once it has {@code count}, else null (not yet). */
    private static List<String> lines(Path log, int count) throws Exception {
        if (!Files.exists(log)) {
            return null;
        }
        List<String> lines = io.kukeon.testing.CriLog.texts(log);
        return lines.size() >= count ? lines : null;
    }

    private static List<Path> filesHolding(Path dir, String... values) throws Exception {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                for (String v : values) {
                    if (content.contains(v)) {
                        out.add(f);
                    }
                }
            }
        }
        return out;
    }

    private static String sha256(String value) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    }
}
