package io.kukeon.api;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kukeon.model.ContainerSecret;
import io.kukeon.model.TmpfsMount;
import io.kukeon.model.VolumeMount;
import io.kukeon.model.VolumeRef;
import io.kukeon.testing.Eventually;
import io.kukeon.testing.Specs;
import io.kukeon.testing.TestDaemon;
import com.google.protobuf.ByteString;
import io.kukeon.wire.v1.ApplyRequest;
import io.kukeon.wire.v1.ApplyResult;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.wire.v1.DeleteRequest;
import io.kukeon.wire.v1.DeleteVolumeRequest;
import io.kukeon.wire.v1.EgressPolicy;
import io.kukeon.wire.v1.EgressTarget;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.ListRequest;
import io.kukeon.wire.v1.ObjectDoc;
import io.kukeon.wire.v1.PutVolumeRequest;
import io.kukeon.wire.v1.SpaceSpec;
import io.kukeon.wire.v1.StatusRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad names and bad values at every level: INVALID_ARGUMENT naming the field, and nothing written anywhere. */
class BadInputTest {
    static final List<String> BAD_NAMES = List.of(".", "..", "a/b", "a_b", "memory.max", "x".repeat(64), "", "nul\0name",
            "ünïcode", "-lead", "trail-", "a b", "a..b", "a.-b", "a--b", ".lead", "trail.", "cgroup.procs");

    @TempDir
    Path dataDir;
    TestDaemon daemon;
    KukeonGrpc.KukeonBlockingStub api;

    @BeforeEach
    void start() throws Exception {
        daemon = TestDaemon.start(dataDir);
        api = daemon.client();
        Docs.createStack(api, "r/s/t");
    }

    @AfterEach
    void stop() {
        daemon.close();
    }

    /** The journal's last offset, as the status RPC reports it. */
    private String journalMark() {
        return api.status(StatusRequest.getDefaultInstance()).getChecksList().stream()
                .filter(c -> c.getName().equals("journal")).findFirst().orElseThrow().getDetail();
    }

    private void refused(String what, Status.Code code, Supplier<?> call) {
        String before = journalMark();
        int groups = daemon.cgroups.groups().size();
        int containers = daemon.runtime.containers().size();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::get, what);
        assertEquals(code, e.getStatus().getCode(), what + ": " + e.getStatus());
        assertFalse(e.getStatus().getDescription() == null || e.getStatus().getDescription().isEmpty(), what);
        assertFalse(e.getStatus().getDescription().contains("Exception"), "no stack trace: " + e.getStatus().getDescription());
        assertEquals(before, journalMark(), what + ": nothing was journaled");
        assertEquals(groups, daemon.cgroups.groups().size(), what + ": no cgroup");
        assertEquals(containers, daemon.runtime.containers().size(), what + ": no container");
    }

    private static CreateRequest spaceOn(String path, String cniConfigPath) {
        ObjectDoc doc = Docs.space(path);
        return CreateRequest.newBuilder().setObject(doc.toBuilder().setSpace(doc.getSpace().toBuilder()
                .setCniConfigPath(cniConfigPath))).build();
    }

    private Path conflist(String name, String bridge, String subnet) throws Exception {
        Path file = dataDir.resolve(name + ".conflist");
        Files.writeString(file, "{\"cniVersion\": \"1.0.0\", \"name\": \"" + name + "\", \"plugins\": [{\"type\": \"bridge\","
                + " \"bridge\": \"" + bridge + "\", \"ipam\": {\"type\": \"host-local\", \"subnet\": \"" + subnet + "\"}}]}");
        return file;
    }

    /**
     * A space's {@code spec.cniConfigPath}: a path or file that breaks a rule is INVALID_ARGUMENT, a
     * network that overlaps the pod subnet or another space's, or has its name, FAILED_PRECONDITION;
     * each names the field and changes nothing.
     */
    @Test
    void aSpacesConflistThatBreaksARuleOrOverlapsAnotherIsRefusedAndChangesNothing() throws Exception {
        refused("relative path", Status.Code.INVALID_ARGUMENT, () -> api.create(spaceOn("r/bad", "net.conflist")));
        refused("missing file", Status.Code.INVALID_ARGUMENT, () -> api.create(spaceOn("r/bad", dataDir.resolve("none").toString())));
        Files.writeString(dataDir.resolve("junk.conflist"), "not json");
        refused("not a conflist", Status.Code.INVALID_ARGUMENT,
                () -> api.create(spaceOn("r/bad", dataDir.resolve("junk.conflist").toString())));

        assertEquals("Ready", api.create(spaceOn("r/shop", conflist("shop", "shop0", "10.89.7.0/24").toString()))
                .getObject().getStatus().getState());
        for (Path clash : List.of(conflist("wide", "wide0", "10.89.0.0/16"), conflist("pod", "pod0", "10.88.9.0/24"),
                conflist("shop", "other0", "10.90.0.0/24"))) {
            String before = journalMark();
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> api.create(spaceOn("r/bad", clash.toString())));
            assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode(), e.getStatus().toString());
            assertTrue(e.getStatus().getDescription().startsWith("spec.cniConfigPath: network"), e.getStatus().getDescription());
            assertEquals(before, journalMark(), clash + ": nothing was journaled");
        }
        assertThrows(StatusRuntimeException.class, () -> api.get(GetRequest.newBuilder().setKind("Space").setPath("r/bad").build()));
    }

    /** RemoveImages: names and unused both or neither, too many names, a malformed name, an unknown realm or image. */
    @Test
    void aRemovalOfImagesThatBreaksARuleIsRefused() {
        io.kukeon.wire.v1.RemoveImagesRequest inR = io.kukeon.wire.v1.RemoveImagesRequest.newBuilder().setRealm("r").build();
        refused("neither", Status.Code.INVALID_ARGUMENT, () -> api.removeImages(inR));
        refused("both", Status.Code.INVALID_ARGUMENT, () -> api.removeImages(inR.toBuilder().addNames("busybox").setUnused(true).build()));
        refused("too many", Status.Code.INVALID_ARGUMENT, () -> api.removeImages(inR.toBuilder()
                .addAllNames(java.util.Collections.nCopies(ImageService.MAX_REMOVED + 1, "busybox")).build()));
        refused("malformed", Status.Code.INVALID_ARGUMENT, () -> api.removeImages(inR.toBuilder().addNames("Bad Name!").build()));
        refused("unknown realm", Status.Code.NOT_FOUND, () -> api.removeImages(inR.toBuilder().setRealm("nope").setUnused(true).build()));
        refused("absent image", Status.Code.NOT_FOUND, () -> api.removeImages(inR.toBuilder().addNames("busybox").build()));
    }

    @Test
    void badNamesAreRefusedAtEveryLevel() {
        for (String bad : BAD_NAMES) {
            refused("realm " + bad, Status.Code.INVALID_ARGUMENT,
                    () -> api.create(CreateRequest.newBuilder().setObject(withPath(Docs.realm("ok"), "Realm", bad)).build()));
            refused("space " + bad, Status.Code.INVALID_ARGUMENT,
                    () -> api.create(CreateRequest.newBuilder().setObject(withPath(Docs.space("r/ok"), "Space", "r/" + bad)).build()));
            refused("stack " + bad, Status.Code.INVALID_ARGUMENT,
                    () -> api.create(CreateRequest.newBuilder().setObject(withPath(Docs.stack("r/s/ok"), "Stack", "r/s/" + bad)).build()));
            refused("cell " + bad, Status.Code.INVALID_ARGUMENT, () -> api.create(CreateRequest.newBuilder()
                    .setObject(withPath(Docs.cell("r/s/t/ok", Map.of(), Docs.container("app")), "Cell", "r/s/t/" + bad)).build()));
            refused("container " + bad, Status.Code.INVALID_ARGUMENT, () -> api.create(CreateRequest.newBuilder()
                    .setObject(Docs.cell("r/s/t/ok", Map.of(), Docs.container(bad))).build()));
            refused("get " + bad, Status.Code.INVALID_ARGUMENT,
                    () -> api.get(GetRequest.newBuilder().setKind("Cell").setPath("r/s/t/" + bad).build()));
            refused("delete " + bad, Status.Code.INVALID_ARGUMENT,
                    () -> api.delete(DeleteRequest.newBuilder().setKind("Space").setPath("r/" + bad).build()));
        }
    }

    /** {@code a-b/c} and {@code a/b-c} would share the network {@code a-b-c}: the second space is refused, nothing made. */
    @Test
    void aSpaceWhoseNetworkNameIsAnothersIsRefused() throws Exception {
        api.create(CreateRequest.newBuilder().setObject(Docs.realm("a-b")).build());
        api.create(CreateRequest.newBuilder().setObject(Docs.space("a-b/c")).build());
        api.create(CreateRequest.newBuilder().setObject(Docs.realm("a")).build());
        Eventually.value("a-b/c's network claimed", java.time.Duration.ofSeconds(10), () -> api.get(GetRequest.newBuilder()
                .setKind("Space").setPath("a-b/c").build()).getObject().getStatus().getState().equals("Ready") ? true : null);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> api.create(CreateRequest.newBuilder().setObject(Docs.space("a/b-c")).build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().startsWith("space a/b-c's network would be named \"a-b-c\" with the bridge k-"),
                e.getStatus().getDescription());
        assertTrue(e.getStatus().getDescription().endsWith("as space a-b/c's network \"a-b-c\" (10.88.1.0/24) is;"
                + " give the space (or its realm) another name"), e.getStatus().getDescription());
        assertThrows(StatusRuntimeException.class, () -> api.get(GetRequest.newBuilder().setKind("Space").setPath("a/b-c").build()));
    }

    /** With every /24 of the pod subnet held, a new space is refused: nothing is made, rather than a space Failed. */
    @Test
    void aSpaceWhenThePodSubnetIsFullIsRefusedAndChangesNothing() {
        int made = 0;
        for (int i = 0; i < 300; i++) {   // the setup's spaces hold their /24 too
            try {
                api.create(CreateRequest.newBuilder().setObject(Docs.space("r/s" + i)).build());
                made++;
            } catch (StatusRuntimeException full) {
                assertEquals(Status.Code.RESOURCE_EXHAUSTED, full.getStatus().getCode(), full.getStatus().toString());
                break;
            }
        }
        assertTrue(made > 250 && made <= 256, made + " spaces made");
        refused("a 257th space", Status.Code.RESOURCE_EXHAUSTED,
                () -> api.create(CreateRequest.newBuilder().setObject(Docs.space("r/more")).build()));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> api.create(CreateRequest.newBuilder().setObject(Docs.space("r/more")).build()));
        assertTrue(e.getStatus().getDescription().startsWith("no free /24 left in pod-subnet 10.88.0.0/16"), e.getStatus().getDescription());
        assertThrows(StatusRuntimeException.class, () -> api.get(GetRequest.newBuilder().setKind("Space").setPath("r/more").build()));
        assertEquals("unchanged", api.apply(io.kukeon.wire.v1.ApplyRequest.newBuilder().setManifest(com.google.protobuf.ByteString
                .copyFromUtf8("apiVersion: v1beta1\nkind: Space\nmetadata: {name: s7}\nspec: {realmId: r}\n")).build())
                .getResults(0).getOutcome(), "an existing space applies as before");
    }

    /**
     * A bind's source must exist on kukeond's host unless {@code ensure} asks kukeond to make it:
     * refused naming the field, in a cell, a Container document and an apply, nothing changed; bad
     * mount values that only the wire can carry (an unknown kind) are refused as well.
     */
    @Test
    void aMissingBindSourceAndBadMountsAreRefusedNamingTheFieldAndChangeNothing() throws Exception {
        String missing = dataDir.resolve("no-such-dir").toString();
        VolumeMount bind = VolumeMount.bind(missing, "/data", false, false);
        refused("missing source", Status.Code.INVALID_ARGUMENT, () -> api.create(CreateRequest.newBuilder().setObject(
                Docs.cell("r/s/t/c", Map.of(), Docs.container("app"), Specs.container("b").volumes(bind).build())).build()));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> api.create(CreateRequest.newBuilder()
                .setObject(Docs.cell("r/s/t/c", Map.of(), Specs.container("app").volumes(bind).build())).build()));
        assertEquals("spec.containers[0].volumes[0].source: \"" + missing + "\" does not exist on the host (create it, or"
                + " set ensure: true to have kukeond make the directory)", e.getStatus().getDescription());

        api.create(CreateRequest.newBuilder().setObject(Docs.cell("r/s/t/c", Map.of(), Docs.container("app"))).build());
        String container = "kind: Container\nmetadata: {name: side}\nspec: {realmId: r, spaceId: s, stackId: t, cellId: c,"
                + " image: busybox, volumes: [{source: " + missing + ", target: /data}]}\n";
        String before = journalMark();
        ApplyResult applied = api.apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(container)).build())
                .getResults(0);
        assertEquals("failed", applied.getOutcome());
        assertTrue(applied.getError().contains("spec.volumes[0].source: \"" + missing + "\" does not exist on the host"),
                applied.getError());
        assertEquals(before, journalMark(), "nothing journaled");
        assertFalse(Files.exists(Path.of(missing)));

        io.kukeon.wire.v1.VolumeMount nfs = io.kukeon.wire.v1.VolumeMount.newBuilder().setKind("nfs").setSource("/srv")
                .setTarget("/data").build();
        ObjectDoc cell = Docs.cell("r/s/t/d", Map.of(), Docs.container("app"));
        ObjectDoc withNfs = cell.toBuilder().setCell(cell.getCell().toBuilder().setContainers(0,
                cell.getCell().getContainers(0).toBuilder().addVolumes(nfs))).build();
        refused("unknown mount kind", Status.Code.INVALID_ARGUMENT,
                () -> api.create(CreateRequest.newBuilder().setObject(withNfs).build()));
        refused("a tmpfs over the cell's /etc/hosts", Status.Code.INVALID_ARGUMENT, () -> api.create(CreateRequest.newBuilder()
                .setObject(Docs.cell("r/s/t/d", Map.of(), Specs.container("app")
                        .tmpfs(new TmpfsMount("/etc/hosts", 4096L, List.of())).build())).build()));
    }

    /**
     * A {@code volumeRef} must name a Volume some scope above the cell holds: refused naming the
     * field, nothing changed; one deleted since (the cell stopped) fails the next start, naming it.
     */
    @Test
    void aVolumeRefNamingNoVolumeIsRefusedAndOneDeletedSinceFailsTheStart() throws Exception {
        VolumeMount mount = VolumeMount.volume(new VolumeRef("data", null, null, null), null, "/data", false);
        Supplier<ObjectDoc> cell = () -> Docs.cell("r/s/t/c", Map.of(), Specs.container("app").volumes(mount).build());
        refused("no such volume", Status.Code.INVALID_ARGUMENT, () -> api.create(CreateRequest.newBuilder()
                .setObject(cell.get()).build()));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> api.create(CreateRequest.newBuilder()
                .setObject(cell.get()).build()));
        assertEquals("spec.containers[0].volumes[0].volumeRef: Volume \"data\" (nearest scope) does not exist in the scopes"
                + " above cell \"r/s/t/c\"; create it first", e.getStatus().getDescription());

        api.putVolume(PutVolumeRequest.newBuilder().setScope("r/s").setName("data").build());
        api.create(CreateRequest.newBuilder().setObject(cell.get()).build());
        api.start(LifecycleRequest.newBuilder().setKind("Cell").setPath("r/s/t/c").build());
        assertTrue(Files.isDirectory(dataDir.resolve("volumes/r/s/_volumes/data")));
        api.stop(LifecycleRequest.newBuilder().setKind("Cell").setPath("r/s/t/c").build());
        api.deleteVolume(DeleteVolumeRequest.newBuilder().setScope("r/s").setName("data").build());
        try {
            api.start(LifecycleRequest.newBuilder().setKind("Cell").setPath("r/s/t/c").build());
        } catch (StatusRuntimeException failed) {
            // the start's failure is the container's status, below
        }
        io.kukeon.wire.v1.ContainerStatus app = api.get(GetRequest.newBuilder().setKind("Cell").setPath("r/s/t/c").build())
                .getObject().getStatus().getContainersList().stream().filter(c -> c.getName().equals("app")).findFirst()
                .orElseThrow();
        assertEquals("VolumeUnavailable", app.getReason(), app.toString());
        assertTrue(app.getMessage().contains("volumes[0] (target /data): Volume \"data\" (nearest scope) does not exist"),
                app.getMessage());
        assertFalse(Files.exists(dataDir.resolve("volumes/r/s/_volumes/data")), "not made again by the failed start");
    }

    /** With {@code ensure}, the source is made at the start, 0755, and the cell runs. */
    @Test
    void aBindWithEnsureHasItsSourceMadeAtTheStart() throws Exception {
        Path source = dataDir.resolve("made/by/kukeond");
        api.create(CreateRequest.newBuilder().setObject(Docs.cell("r/s/t/c", Map.of(), Specs.container("app")
                .volumes(VolumeMount.bind(source.toString(), "/data", false, true)).build())).build());
        assertFalse(Files.exists(source), "made by the start, not the create");
        api.start(LifecycleRequest.newBuilder().setKind("Cell").setPath("r/s/t/c").build());
        assertTrue(Files.isDirectory(source));
        assertEquals("rwxr-xr-x", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(source)));
    }

    /** Each security field's bad value, through the API: INVALID_ARGUMENT naming the field, nothing changed. */
    @Test
    void badSecurityValuesAreRefusedNamingTheField() throws Exception {
        Path plainFile = Files.writeString(dataDir.resolve("plain"), "not a device, not a profile");
        Map<String, io.kukeon.model.ContainerSecurity> refusals = new java.util.LinkedHashMap<>();
        refusals.put("spec.containers[0].capabilities.add[0]: \"CAP_BOGUS\" is not a Linux capability",
                security(List.of("bogus"), List.of(), List.of()));
        refusals.put("spec.containers[0].securityOpts[0]: \"label=disable\" is not a security option",
                security(List.of(), List.of("label=disable"), List.of()));
        refusals.put("spec.containers[0].securityOpts[0]: seccomp profile \"" + plainFile + "\" is not JSON",
                security(List.of(), List.of("seccomp=" + plainFile), List.of()));
        refusals.put("spec.containers[0].devices[0]: \"" + dataDir.resolve("gone") + "\" does not exist on the host",
                security(List.of(), List.of(), List.of(dataDir.resolve("gone").toString())));
        refusals.put("spec.containers[0].devices[0]: \"" + plainFile + "\" is not a device node",
                security(List.of(), List.of(), List.of(plainFile.toString())));
        for (Map.Entry<String, io.kukeon.model.ContainerSecurity> bad : refusals.entrySet()) {
            io.kukeon.model.ContainerSpec app = Docs.container("app");
            ObjectDoc cell = io.kukeon.wire.ObjectMapping.toProto(new io.kukeon.model.TreeObject.Cell(
                    io.kukeon.model.ObjectPath.parse("r/s/t/c"), new io.kukeon.model.Metadata("c", Map.of(), 0),
                    new io.kukeon.model.CellSpec(List.of(new io.kukeon.model.ContainerSpec(app.id(), false, app.image(),
                            app.command(), app.args(), app.env(), null, null, app.restartPolicy(), null, null, null, false,
                            List.of(), bad.getValue(), List.of(), List.of(), List.of())), null, false, null), null));
            refused(bad.getKey(), Status.Code.INVALID_ARGUMENT, () -> api.create(CreateRequest.newBuilder().setObject(cell).build()));
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> api.create(CreateRequest.newBuilder().setObject(cell).build()));
            assertTrue(e.getStatus().getDescription().startsWith(bad.getKey()), e.getStatus().getDescription());
        }
    }

    private static io.kukeon.model.ContainerSecurity security(List<String> add, List<String> opts, List<String> devices) {
        return new io.kukeon.model.ContainerSecurity(false, new io.kukeon.model.ContainerSecurity.Capabilities(add, null), false,
                opts, devices, false, false);
    }

    @Test
    void theErrorNamesTheFieldAndTheRule() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> api.create(CreateRequest.newBuilder()
                .setObject(withPath(Docs.space("r/ok"), "Space", "r/a_b")).build()));
        assertEquals("space: \"a_b\" must be 1-63 characters of letters, digits, '-' and '.', starting and ending with a"
                + " letter or digit, never two of '-' and '.' in a row",
                e.getStatus().getDescription());
    }

    @Test
    void badValuesAreRefused() {
        io.kukeon.model.Resources negative = new io.kukeon.model.Resources(-1L, null, null, null, null, null, null);
        io.kukeon.model.Resources huge = new io.kukeon.model.Resources(null, null, Long.MAX_VALUE, null, null, null, null);
        for (io.kukeon.model.Resources r : List.of(negative, huge)) {
            ObjectDoc cell = io.kukeon.wire.ObjectMapping.toProto(new io.kukeon.model.TreeObject.Cell(
                    io.kukeon.model.ObjectPath.parse("r/s/t/c"), new io.kukeon.model.Metadata("c", Map.of(), 0),
                    new io.kukeon.model.CellSpec(List.of(Docs.container("app")), null, false, r), null));
            refused("resources " + r, Status.Code.INVALID_ARGUMENT,
                    () -> api.create(CreateRequest.newBuilder().setObject(cell).build()));
        }
        refused("two roots", Status.Code.INVALID_ARGUMENT, () -> api.create(CreateRequest.newBuilder().setObject(
                Docs.cell("r/s/t/c", Map.of(), Docs.container("a").withRoot(true), Docs.container("b").withRoot(true))).build()));
        refused("no containers", Status.Code.INVALID_ARGUMENT,
                () -> api.create(CreateRequest.newBuilder().setObject(Docs.cell("r/s/t/c", Map.of())).build()));
        refused("unknown kind", Status.Code.INVALID_ARGUMENT,
                () -> api.list(ListRequest.newBuilder().setKind("Pod").build()));
        refused("kind and path disagree", Status.Code.INVALID_ARGUMENT,
                () -> api.get(GetRequest.newBuilder().setKind("Cell").setPath("r/s").build()));
        refused("start a realm", Status.Code.INVALID_ARGUMENT,
                () -> api.start(LifecycleRequest.newBuilder().setKind("Realm").setPath("r").build()));
        refused("negative timeout", Status.Code.INVALID_ARGUMENT,
                () -> api.stop(LifecycleRequest.newBuilder().setKind("Cell").setPath("r/s/t/c").setTimeoutSeconds(-1).build()));
        String longCell = "c".repeat(63);
        refused("containerd ID over 76 characters", Status.Code.INVALID_ARGUMENT, () -> api.create(CreateRequest.newBuilder()
                .setObject(Docs.cell("r/s/t/" + longCell, Map.of(), Docs.container("a-twenty-char-name-x"))).build()));
        refused("a bad label", Status.Code.INVALID_ARGUMENT, () -> api.create(CreateRequest.newBuilder()
                .setObject(Docs.cell("r/s/t/c", Map.of("bad key!", "v"), Docs.container("app"))).build()));
    }

    /** A container's secrets[] through the API (the manifest reader's own checks: ManifestReaderTest). */
    @Test
    void badContainerSecretsAreRefusedNamingTheFieldAndChangeNothing() {
        Map<String, ContainerSecret> bad = Map.of(
                "spec.containers[0].secrets[0]: needs exactly one of fromFile, fromEnv or secretRef",
                new ContainerSecret("T", "/etc/token", "HOST_TOKEN", null),
                "spec.containers[0].secrets[0].fromFile: \"etc/token\" must be an absolute, normalised path (no \".\", \"..\", \"//\" or trailing \"/\")",
                ContainerSecret.fromFile("T", "etc/token", null),
                "spec.containers[0].secrets[0].mountPath: \"run/k\" must be an absolute, normalised path (no \".\", \"..\", \"//\" or trailing \"/\")",
                ContainerSecret.fromEnv("k", "HOST_TOKEN", "run/k"));
        bad.forEach((error, secret) -> {
            CreateRequest create = CreateRequest.newBuilder().setObject(Docs.cell("r/s/t/c", Map.of(),
                    Specs.container("app").secrets(secret).build())).build();
            refused(error, Status.Code.INVALID_ARGUMENT, () -> api.create(create));
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> api.create(create));
            assertTrue(e.getStatus().getDescription().contains(error), e.getStatus().getDescription());
        });
    }

    @Test
    void unknownParentsAndObjectsAreNotFound() {
        refused("unknown realm", Status.Code.NOT_FOUND,
                () -> api.create(CreateRequest.newBuilder().setObject(Docs.space("nope/s")).build()));
        refused("unknown stack", Status.Code.NOT_FOUND, () -> api.create(CreateRequest.newBuilder()
                .setObject(Docs.cell("r/s/nope/c", Map.of(), Docs.container("app"))).build()));
        refused("get unknown", Status.Code.NOT_FOUND,
                () -> api.get(GetRequest.newBuilder().setKind("Cell").setPath("r/s/t/nope").build()));
        refused("delete unknown", Status.Code.NOT_FOUND,
                () -> api.delete(DeleteRequest.newBuilder().setKind("Cell").setPath("r/s/t/nope").build()));
        refused("start unknown", Status.Code.NOT_FOUND,
                () -> api.start(LifecycleRequest.newBuilder().setKind("Cell").setPath("r/s/t/nope").build()));
        assertTrue(api.list(ListRequest.newBuilder().setKind("Cell").build()).getObjectsList().isEmpty());
    }

    /** A raw request, past any manifest reader: each bad egress field is refused by name, and no rule is made. */
    @Test
    void aBadEgressPolicyInARequestIsRefusedNamingItsField() {
        Map<String, EgressPolicy> bad = Map.of(
                "spec.network.egress.default: is required: allow or deny", EgressPolicy.newBuilder().build(),
                "spec.network.egress.default: \"block\" is not allow or deny", EgressPolicy.newBuilder().setDefaultAction("block").build(),
                "spec.network.egress.allow[0]: has both host and cidr; give exactly one", EgressPolicy.newBuilder().setDefaultAction("deny")
                        .addAllow(EgressTarget.newBuilder().setHost("a.example").setCidr("10.0.0.0/8")).build(),
                "spec.network.egress.allow[0].ports[0]: 0 is not a port: 1..65535", EgressPolicy.newBuilder().setDefaultAction("deny")
                        .addAllow(EgressTarget.newBuilder().setCidr("10.0.0.0/8").addPorts(0)).build());
        String before = journalMark();
        bad.forEach((message, policy) -> {
            ObjectDoc space = Docs.space("r/egress").toBuilder()
                    .setSpace(SpaceSpec.newBuilder().setEgress(policy)).build();
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> api.create(CreateRequest.newBuilder().setObject(space).build()), message);
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), message);
            assertEquals(message, e.getStatus().getDescription());
        });
        assertEquals(before, journalMark(), "nothing was journaled");
        assertFalse(daemon.egress.applied().containsKey("r/egress"), "no rules for a refused space");
    }

    private static ObjectDoc withPath(ObjectDoc doc, String kind, String path) {
        return doc.toBuilder().setKind(kind).setPath(path)
                .setMetadata(doc.getMetadata().toBuilder().setName(path.substring(path.lastIndexOf('/') + 1))).build();
    }
}
