package io.kukeon.network;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kukeon.secrets.FileModes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plugin chain, the result cache and idempotence, against tiny plugins of shell scripts. */
class CniPluginRuntimeTest {
    private static final String BRIDGE_RESULT = """
            {"cniVersion": "1.0.0",
             "interfaces": [{"name": "k-1234abcd"}, {"name": "veth0a1b2c3d"}, {"name": "eth0", "sandbox": "/run/netns/cell"}],
             "ips": [{"interface": 2, "address": "10.88.7.2/24", "gateway": "10.88.7.1"}]}""";
    /** What a meta plugin gives back: its prevResult, here with a mark to tell it from the first one's. */
    private static final String PORTMAP_RESULT = BRIDGE_RESULT.replace("\"1.0.0\",", "\"1.0.0\", \"dns\": {\"domain\": \"portmap\"},");
    private static final String LOOPBACK_RESULT = PORTMAP_RESULT.replace("\"portmap\"", "\"loopback\"");
    private static final List<PortMapping> PORTS = List.of(new PortMapping(8080, 80, "tcp", ""));

    @TempDir
    Path dir;
    FakePlugins fake;
    Path cacheDir;
    NetworkConfigList network;
    Attachment attachment;

    @BeforeEach
    void plugins() throws Exception {
        fake = new FakePlugins(dir);
        fake.plugin("bridge", BRIDGE_RESULT);
        fake.plugin("portmap", PORTMAP_RESULT);
        fake.plugin("loopback", LOOPBACK_RESULT);
        cacheDir = dir.resolve("data/network/cache");
        network = NetworkConfigList.parse("""
                {"cniVersion": "1.0.0", "name": "main-web", "plugins": [
                  {"type": "bridge", "bridge": "k-1234abcd", "ipam": {"type": "host-local"}},
                  {"type": "portmap", "capabilities": {"portMappings": true}, "runtimeConfig": {"portMappings": ["stale"]}},
                  {"type": "loopback"}]}""", "test");
        attachment = new Attachment(network, "ctr-1", Path.of("/run/netns/cell"), "eth0", PORTS);
    }

    private CniPluginRuntime runtime() {
        return runtime(Duration.ofSeconds(20));
    }

    private CniPluginRuntime runtime(Duration timeout) {
        return new CniPluginRuntime(new CniPlugins(List.of(dir.resolve("missing"), fake.bin), new HostCommand(null, timeout)), cacheDir);
    }

    @Test
    void addRunsThePluginsInOrderEachGivenThePreviousResult() throws Exception {
        NetworkAttachment attached = runtime().add(attachment);

        assertEquals(new NetworkAttachment("10.88.7.2", 24, "10.88.7.1", "k-1234abcd", "veth0a1b2c3d"), attached);
        assertEquals(List.of("bridge ADD", "portmap ADD", "loopback ADD"), fake.order());
        List<FakePlugins.Call> calls = fake.calls();
        for (FakePlugins.Call call : calls) {
            assertEquals("main-web", call.input().path("name").asText());
            assertEquals("1.0.0", call.input().path("cniVersion").asText());
            assertEquals("ADD", call.environment().get("CNI_COMMAND"));
            assertEquals("ctr-1", call.environment().get("CNI_CONTAINERID"));
            assertEquals("/run/netns/cell", call.environment().get("CNI_NETNS"));
            assertEquals("eth0", call.environment().get("CNI_IFNAME"));
            assertEquals(dir.resolve("missing") + ":" + fake.bin, call.environment().get("CNI_PATH"));
            assertEquals("", call.environment().get("CNI_ARGS"));
        }
        assertFalse(calls.get(0).input().has("prevResult"));
        assertEquals(FakePlugins.json(BRIDGE_RESULT), calls.get(1).input().get("prevResult"));
        assertEquals(FakePlugins.json(PORTMAP_RESULT), calls.get(2).input().get("prevResult"));
    }

    @Test
    void onlyAPluginDeclaringPortMappingsGetsThemAsItsRuntimeConfig() throws Exception {
        runtime().add(attachment);

        List<FakePlugins.Call> calls = fake.calls();
        assertFalse(calls.get(0).input().has("runtimeConfig"));
        assertEquals(FakePlugins.json("""
                {"portMappings": [{"hostPort": 8080, "containerPort": 80, "protocol": "tcp", "hostIP": ""}]}"""),
                calls.get(1).input().get("runtimeConfig"));
        assertFalse(calls.get(2).input().has("runtimeConfig"));
    }

    @Test
    void deleteFromAFreshInstanceRunsInReverseWithTheCachedResultAndPorts() throws Exception {
        runtime().add(attachment);
        fake.clearCalls();

        // as after a daemon restart: a new instance, and a caller that no longer knows the ports
        runtime().delete(new Attachment(network, "ctr-1", Path.of("/run/netns/cell"), "eth0"));

        assertEquals(List.of("loopback DEL", "portmap DEL", "bridge DEL"), fake.order());
        for (FakePlugins.Call call : fake.calls()) {
            assertEquals(FakePlugins.json(LOOPBACK_RESULT), call.input().get("prevResult"));
        }
        assertEquals(PORTS.get(0).hostPort(), fake.calls().get(1).input().at("/runtimeConfig/portMappings/0/hostPort").asInt());
        assertFalse(Files.exists(cacheDir.resolve("main-web")), "the network's cache dir is removed with its last entry");
    }

    @Test
    void theResultCacheIsForRootOnly() throws Exception {
        runtime().add(attachment);

        Path file = cacheDir.resolve("main-web/ctr-1~eth0.json");
        assertEquals(FileModes.PRIVATE_FILE, Files.getPosixFilePermissions(file));
        assertEquals(FileModes.PRIVATE_DIR, Files.getPosixFilePermissions(file.getParent()));
        assertEquals(FileModes.PRIVATE_DIR, Files.getPosixFilePermissions(cacheDir));
    }

    @Test
    void deleteOfWhatIsGoneSucceedsAndTwiceIsFine() throws Exception {
        Attachment gone = new Attachment(network, "never-added", null, "eth0");

        runtime().delete(gone);
        runtime().delete(gone);

        assertEquals(List.of("loopback DEL", "portmap DEL", "bridge DEL", "loopback DEL", "portmap DEL", "bridge DEL"), fake.order());
        FakePlugins.Call first = fake.calls().get(0);
        assertEquals("", first.environment().get("CNI_NETNS"), "a namespace that is gone is never named");
        assertFalse(first.input().has("prevResult"));
    }

    @Test
    void addOfAnAttachmentInTheCacheReturnsItWhenCheckPasses() throws Exception {
        NetworkAttachment first = runtime().add(attachment);
        fake.clearCalls();

        NetworkAttachment again = runtime().add(attachment);

        assertEquals(first, again);
        assertEquals(List.of("bridge CHECK", "portmap CHECK", "loopback CHECK"), fake.order());
        for (FakePlugins.Call call : fake.calls()) {
            assertEquals(FakePlugins.json(LOOPBACK_RESULT), call.input().get("prevResult"));
        }
    }

    @Test
    void addOfACachedAttachmentThatFailsCheckIsUndoneAndMadeAgainAtItsAddress() throws Exception {
        runtime().add(attachment);
        fake.failOn("portmap", "CHECK");
        fake.clearCalls();

        NetworkAttachment again = runtime().add(attachment);

        assertEquals("10.88.7.2", again.address());
        assertEquals(List.of("bridge CHECK", "portmap CHECK", "loopback DEL", "portmap DEL", "bridge DEL",
                "bridge ADD", "portmap ADD", "loopback ADD"), fake.order());
        assertEquals("IgnoreUnknown=1;IP=10.88.7.2", fake.calls().get(5).environment().get("CNI_ARGS"));
    }

    @Test
    void anAddThatWasInterruptedIsUndoneBeforeItIsMadeAgain() throws Exception {
        // what a crash between the first plugin and the cached result leaves
        new ResultCache(cacheDir).write(new ResultCache.Entry(network, "ctr-1", "eth0", PORTS, null));

        NetworkAttachment attached = runtime().add(attachment);

        assertEquals("10.88.7.2", attached.address());
        assertEquals(List.of("loopback DEL", "portmap DEL", "bridge DEL", "bridge ADD", "portmap ADD", "loopback ADD"), fake.order());
        assertFalse(fake.calls().get(0).input().has("prevResult"));
        assertEquals("", fake.calls().get(3).environment().get("CNI_ARGS"));
    }

    @Test
    void aFailedAddNamesPluginCodeAndMessageAndLeavesNothing() throws Exception {
        fake.failOn("portmap", "ADD");

        CniFailure failure = assertThrows(CniFailure.class, () -> runtime().add(attachment));

        assertEquals("portmap", failure.plugin());
        assertEquals(11, failure.code());
        assertTrue(failure.getMessage().contains("CNI plugin portmap ADD"), failure.getMessage());
        assertTrue(failure.getMessage().contains("portmap said no to ADD (try later)"), failure.getMessage());
        assertEquals(List.of("bridge ADD", "portmap ADD", "loopback DEL", "portmap DEL", "bridge DEL"), fake.order());
        assertFalse(Files.exists(cacheDir.resolve("main-web/ctr-1~eth0.json")));
    }

    @Test
    void aFailedAddWhoseUndoFailsKeepsItsCacheForALaterDelete() throws Exception {
        fake.failOn("loopback", "ADD");
        fake.failOn("bridge", "DEL");

        CniFailure failure = assertThrows(CniFailure.class, () -> runtime().add(attachment));

        assertTrue(failure.getMessage().contains("undoing it failed too"), failure.getMessage());
        assertTrue(Files.exists(cacheDir.resolve("main-web/ctr-1~eth0.json")));
        fake.succeedOn("bridge", "DEL");
        runtime().delete(attachment);
        assertFalse(Files.exists(cacheDir.resolve("main-web/ctr-1~eth0.json")));
    }

    @Test
    void aPluginThatPrintsNoErrorObjectIsReportedWithItsStderr() throws Exception {
        fake.brokenPlugin("loopback");

        CniFailure failure = assertThrows(CniFailure.class, () -> runtime().delete(attachment));

        assertEquals("loopback", failure.plugin());
        assertNull(failure.code());
        assertTrue(failure.getMessage().contains("exited with 2: segfault in plugin"), failure.getMessage());
    }

    @Test
    void aMissingPluginIsNamedWithTheSearchPath() throws Exception {
        Files.delete(fake.bin.resolve("portmap"));

        CniFailure failure = assertThrows(CniFailure.class, () -> runtime().add(attachment));

        assertEquals("CNI plugin \"portmap\" not found in " + dir.resolve("missing") + ":" + fake.bin, failure.getMessage());
    }

    @Test
    void aPluginThatHangsIsKilledAtTheTimeout() throws Exception {
        fake.hangOn("bridge", "ADD");
        long started = System.nanoTime();

        CniFailure failure = assertThrows(CniFailure.class, () -> runtime(Duration.ofMillis(500)).add(attachment));

        assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 10);
        assertEquals("bridge", failure.plugin());
        assertTrue(failure.getMessage().contains("did not finish within"), failure.getMessage());
    }

    @Test
    void checkRunsInOrderWithTheCachedResultAndNamesAChange() throws Exception {
        runtime().add(attachment);
        fake.clearCalls();

        runtime().check(attachment);
        assertEquals(List.of("bridge CHECK", "portmap CHECK", "loopback CHECK"), fake.order());

        fake.failOn("loopback", "CHECK");
        CniFailure failure = assertThrows(CniFailure.class, () -> runtime().check(attachment));
        assertEquals("loopback", failure.plugin());
    }

    @Test
    void checkOfAnAttachmentNeverMadeFails() {
        CniFailure failure = assertThrows(CniFailure.class, () -> runtime().check(attachment));

        assertTrue(failure.getMessage().contains("ctr-1 has no attachment to network main-web"), failure.getMessage());
    }

    @Test
    void addAfterTheConfigChangedUndoesTheOldAttachmentWithTheOldConfig() throws Exception {
        runtime().add(attachment);
        fake.clearCalls();
        NetworkConfigList bridgeOnly = NetworkConfigList.parse("""
                {"cniVersion": "1.0.0", "name": "main-web", "plugins": [{"type": "bridge", "bridge": "k-1234abcd"}]}""", "test");

        runtime().add(new Attachment(bridgeOnly, "ctr-1", Path.of("/run/netns/cell"), "eth0"));

        assertEquals(List.of("loopback DEL", "portmap DEL", "bridge DEL", "bridge ADD"), fake.order());
    }

    @Test
    void addWithOtherPortsRedoesTheAttachmentWithTheNewPortsAtTheSameAddress() throws Exception {
        runtime().add(attachment);
        fake.clearCalls();

        runtime().add(new Attachment(network, "ctr-1", Path.of("/run/netns/cell"), "eth0", List.of(new PortMapping(9090, 90, "udp", "127.0.0.1"))));

        assertEquals(List.of("loopback DEL", "portmap DEL", "bridge DEL", "bridge ADD", "portmap ADD", "loopback ADD"), fake.order());
        assertEquals(8080, fake.calls().get(1).input().at("/runtimeConfig/portMappings/0/hostPort").asInt(), "the old ports are undone");
        assertEquals(FakePlugins.json("""
                {"portMappings": [{"hostPort": 9090, "containerPort": 90, "protocol": "udp", "hostIP": "127.0.0.1"}]}"""),
                fake.calls().get(4).input().get("runtimeConfig"));
        assertEquals("IgnoreUnknown=1;IP=10.88.7.2", fake.calls().get(3).environment().get("CNI_ARGS"));
    }

    @Test
    void aSecondAttachmentHasItsOwnCacheEntry() throws Exception {
        CniPluginRuntime runtime = runtime();
        runtime.add(attachment);
        runtime.add(new Attachment(network, "ctr-2", Path.of("/run/netns/other"), "eth0"));

        try (Stream<Path> entries = Files.list(cacheDir.resolve("main-web"))) {
            assertEquals(List.of("ctr-1~eth0.json", "ctr-2~eth0.json"), entries.map(p -> p.getFileName().toString()).sorted().toList());
        }
        runtime.delete(attachment);
        assertTrue(Files.exists(cacheDir.resolve("main-web/ctr-2~eth0.json")));
    }

    @Test
    void anUnreadableCacheEntryIsUndoneWithTheCallersConfig() throws Exception {
        Files.createDirectories(cacheDir.resolve("main-web"));
        Files.writeString(cacheDir.resolve("main-web/ctr-1~eth0.json"), "{half a file");

        runtime().add(attachment);

        assertEquals(List.of("loopback DEL", "portmap DEL", "bridge DEL", "bridge ADD", "portmap ADD", "loopback ADD"), fake.order());
        ObjectNode portmapDel = fake.calls().get(1).input();
        assertEquals(8080, portmapDel.at("/runtimeConfig/portMappings/0/hostPort").asInt());
    }
}
