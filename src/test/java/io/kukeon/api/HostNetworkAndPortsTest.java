package io.kukeon.api;

import com.google.protobuf.ByteString;
import io.kukeon.manifest.ManifestWriter;
import io.kukeon.model.ObjectPath;
import io.kukeon.network.HostNetworkRoot;
import io.kukeon.network.PortMapping;
import io.kukeon.runtime.ContainerRequest;
import io.kukeon.testing.FakeCniNetworks;
import io.kukeon.testing.TestDaemon;
import io.kukeon.wire.ObjectMapping;
import io.kukeon.wire.v1.ApplyRequest;
import io.kukeon.wire.v1.ApplyResult;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.ObjectDoc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code hostNetwork} and {@code ports} through the API, on fake ports: what the checks at apply
 * refuse (nothing changed), what the root's container request and the CNI ADD are given, and that
 * {@code get -o yaml} applied again is unchanged. The real namespace and portmap rules are
 * {@code daemon/RealSpaceNetworkTest}'s.
 */
class HostNetworkAndPortsTest {
    private static final Path HOST_NAMESPACE = Path.of("/run/netns/kukeon-test-host");

    @TempDir
    Path dataDir;
    TestDaemon daemon;
    KukeonGrpc.KukeonBlockingStub api;

    @BeforeEach
    void start() throws Exception {
        daemon = TestDaemon.start(dataDir);
        daemon.networks.hostNamespace = HOST_NAMESPACE;
        api = daemon.client();
    }

    @AfterEach
    void stop() {
        daemon.close();
    }

    private ApplyResult apply(String yaml) {
        return api.apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(yaml)).build()).getResults(0);
    }

    private static String cell(String name, String containers) {
        return "apiVersion: v1beta1\nkind: Cell\nmetadata: {name: " + name + "}\nspec:\n  realmId: r\n  spaceId: s\n"
                + "  stackId: t\n  containers:\n" + containers;
    }

    private ObjectDoc get(String path) {
        return api.get(GetRequest.newBuilder().setKind("Cell").setPath(path).build()).getObject();
    }

    private ContainerRequest request(String cell, String container) {
        return daemon.runtime.containers().values().stream().map(c -> c.request())
                .filter(r -> r.labels().get("kukeon.io/cell").equals(cell) && r.labels().get("kukeon.io/container").equals(container))
                .findFirst().orElseThrow(() -> new AssertionError("no container " + cell + "/" + container));
    }

    private List<FakeCniNetworks.Call> adds() {
        return daemon.networks.cni.calls().stream().filter(c -> c.command().equals("ADD")).toList();
    }

    @Test
    void aHostNetworkCellsRootJoinsTheHostNamespaceAndIsNotAttached() {
        ApplyResult r = apply(cell("agent", "    - {id: app, image: busybox, hostNetwork: true}\n"));
        assertEquals("created", r.getOutcome(), r.toString());

        ContainerRequest root = request("agent", "root");
        assertTrue(root.hostNetwork());
        assertEquals(HOST_NAMESPACE.toString(), root.joinNamespaces().get("network"));
        ContainerRequest app = request("agent", "app");
        assertFalse(app.hostNetwork(), "a workload joins its root, wherever that is");
        assertTrue(app.joinNamespaces().get("network").startsWith("/proc/"), app.joinNamespaces().toString());
        assertEquals(List.of(), adds(), "no CNI ADD for a cell on the host's network");
        assertFalse(get("r/s/t/agent").getStatus().hasNetwork());
    }

    @Test
    void anExplicitRootWithoutHostNetworkBesideOneWithItIsRefusedAndNothingIsMade() {
        ApplyResult r = apply(cell("mixed", "    - {id: db, image: busybox, root: true}\n"
                + "    - {id: agent, image: busybox, hostNetwork: true}\n"));

        assertEquals("failed", r.getOutcome());
        assertEquals("InvalidArgument", r.getErrorKind());
        assertTrue(r.getError().startsWith("spec.containers[0].root: " + HostNetworkRoot.MISMATCH), r.getError());
        assertTrue(daemon.daemon().index().get(ObjectPath.parse("r/s/t/mixed")).isEmpty());
        assertTrue(daemon.runtime.containers().isEmpty());
    }

    /**
     * Applies of different cells with one host port, all at once: the index alone let several pass
     * (each was checked before any was stored); with the ports held from check to answer, one wins.
     */
    @Test
    void concurrentAppliesOfOneHostPortPublishItOnce() throws Exception {
        apply(cell("first", "    - {id: a, image: busybox}\n"));   // the parents exist: the applies race only on the port
        int cells = 8;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(cells);
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<ApplyResult>> results = new java.util.ArrayList<>();
            for (int i = 0; i < cells; i++) {
                String name = "racer" + i;
                results.add(pool.submit(() -> {
                    go.await();
                    return apply(cell(name, "    - {id: httpd, image: busybox, ports: ['19090:80']}\n"));
                }));
            }
            go.countDown();
            int created = 0;
            for (java.util.concurrent.Future<ApplyResult> f : results) {
                ApplyResult r = f.get();
                if (r.getOutcome().equals("created")) {
                    created++;
                } else {
                    assertEquals("HostPortInUse", r.getErrorKind(), r.toString());
                }
            }
            assertEquals(1, created, "one cell publishes the port");
            assertEquals(1, adds().stream().filter(a -> !a.attachment().portMappings().isEmpty()).count());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theCellsPortsGoToTheAddAndAPublishedHostPortIsRefusedToAnotherCell() {
        assertEquals("created", apply(cell("web", "    - {id: httpd, image: busybox, ports: ['18080:8080']}\n"
                + "    - {id: dns, image: busybox, ports: ['127.0.0.1:5353:53/udp']}\n")).getOutcome());
        assertEquals(1, adds().size());
        assertEquals(List.of(new PortMapping(18080, 8080, "tcp", "0.0.0.0"), new PortMapping(5353, 53, "udp", "127.0.0.1")),
                adds().get(0).attachment().portMappings());

        ApplyResult clash = apply(cell("other", "    - {id: api, image: busybox, ports: ['9000:90', '10.0.0.5:18080:80']}\n"));
        assertEquals("failed", clash.getOutcome());
        assertEquals("HostPortInUse", clash.getErrorKind());
        assertEquals("spec.containers[0].ports[1]: host port 18080/tcp on 10.0.0.5 is already published by cell r/s/t/web"
                + " (spec.containers[0].ports[0]: 0.0.0.0:18080:8080/tcp)", clash.getError());
        assertTrue(daemon.daemon().index().get(ObjectPath.parse("r/s/t/other")).isEmpty());
        assertEquals(1, adds().size());

        // a Container document that would publish it into another cell is refused as well
        assertEquals("created", apply(cell("third", "    - {id: a, image: busybox}\n")).getOutcome());
        ApplyResult added = apply("apiVersion: v1beta1\nkind: Container\nmetadata: {name: b}\nspec: {realmId: r, spaceId: s,"
                + " stackId: t, cellId: third, image: busybox, ports: ['18080:80']}\n");
        assertEquals("HostPortInUse", added.getErrorKind(), added.toString());
        assertTrue(added.getError().startsWith("spec.ports[0]: host port 18080/tcp"), added.getError());
    }

    @Test
    void aBadPortAndPortsOnTheHostsNetworkAreRefusedNamingTheField() {
        ApplyResult bad = apply(cell("web", "    - {id: httpd, image: busybox, ports: ['8080:80', '8080']}\n"));
        assertEquals("InvalidArgument", bad.getErrorKind());
        assertTrue(bad.getError().startsWith("spec.containers[0].ports[1]: \"8080\" has no host port"), bad.getError());

        ApplyResult onHost = apply(cell("web", "    - {id: httpd, image: busybox, hostNetwork: true, ports: ['8080:80']}\n"));
        assertEquals("InvalidArgument", onHost.getErrorKind());
        assertTrue(onHost.getError().startsWith("spec.containers[0].ports: a cell on the host's network"), onHost.getError());
        assertTrue(daemon.daemon().index().get(ObjectPath.parse("r/s/t/web")).isEmpty());
    }

    @Test
    void getAsYamlAppliedAgainIsUnchanged() {
        apply(cell("web", "    - {id: httpd, image: busybox, ports: ['18080:8080', '127.0.0.1:5353:53/udp']}\n"));
        apply(cell("agent", "    - {id: app, image: busybox, hostNetwork: true}\n"));

        for (String path : List.of("r/s/t/web", "r/s/t/agent")) {
            String yaml = ManifestWriter.yaml(List.of(ObjectMapping.fromProto(get(path))));
            assertTrue(yaml.contains(path.endsWith("web") ? "18080:8080" : "hostNetwork: true"), yaml);
            ApplyResult again = apply(yaml);
            assertEquals("unchanged", again.getOutcome(), again + "\n" + yaml);
        }
    }
}
