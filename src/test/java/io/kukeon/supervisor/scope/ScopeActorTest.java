package io.kukeon.supervisor.scope;

import io.kukeon.model.TemplateScope;
import io.kukeon.model.TemplateRef;
import io.kukeon.model.TemplateKind;
import io.kukeon.model.CellConfig;
import io.kukeon.model.CellBlueprint;
import io.kukeon.model.CellSpec;
import io.kukeon.model.CellState;
import io.kukeon.model.CellStatus;
import io.kukeon.model.ReclaimPolicy;
import io.kukeon.model.VolumeMount;
import io.kukeon.model.VolumeRef;
import io.kukeon.model.VolumeScope;
import io.kukeon.volumes.VolumeDirectories;
import io.kukeon.model.FailedPreconditionException;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.LevelState;
import io.kukeon.model.Metadata;
import io.kukeon.model.NotFoundException;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.RealmSpec;
import io.kukeon.model.RegistryCredential;
import io.kukeon.model.ResourceExhaustedException;
import io.kukeon.model.Resources;
import io.kukeon.model.SecretData;
import io.kukeon.model.SecretScope;
import io.kukeon.model.SpaceSpec;
import io.kukeon.model.StackSpec;
import io.kukeon.model.TreeObject;
import io.kukeon.model.UnavailableException;
import io.kukeon.runtime.RuntimeFailure;
import io.kukeon.supervisor.ObjectCommand;
import io.kukeon.supervisor.Reply;
import io.kukeon.supervisor.Routed;
import io.kukeon.supervisor.TreeCommand;
import io.kukeon.supervisor.tree.ChildMessages;
import io.kukeon.testing.ActorTestBed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static io.kukeon.testing.ActorTestBed.await;
import static io.kukeon.testing.Specs.cell;
import static io.kukeon.testing.Specs.container;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One realm actor (the class that serves realm, space and stack), driven directly, with the levels
 * below it as its real children: provisioning, routing and parents created on the way, deletes with
 * and without cascade, recovery of an interrupted create, a journal failure, and the realm's logins
 * reaching what runs below it. The host is a probe.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScopeActorTest {
    private static final AtomicInteger REALMS = new AtomicInteger();
    @JUnit5TestKit
    public final ActorTestKit testKit = new JUnit5TestKitBuilder().withName("scope-actor").withCustomConfig(ActorTestBed.CONFIG)
            .build();

    ActorTestBed bed;
    TestProbe<TreeCommand> host;
    String realm;
    ObjectPath path;
    EventSourcedBehaviorTestKit<TreeCommand, ScopeEvent, ScopeRecord> actor;

    @BeforeEach
    void newRealm() {
        bed = new ActorTestBed();
        host = testKit.createTestProbe();
        realm = "r" + REALMS.incrementAndGet();
        path = ObjectPath.parse(realm);
        ActorRef<TreeCommand> answeringHost = testKit.spawn(bed.hostAnsweringSubnets(host.ref()));
        actor = EventSourcedBehaviorTestKit.create(testKit.system(), ScopeActor.create(path, answeringHost, bed.ports, null),
                ActorTestBed.SERIALIZATION);
        // a realm tells the host, after each recovery, the namespace it holds (or would be created with)
        assertEquals(new ChildMessages.NamespaceHeld(realm, realm + ".kukeon.io"),
                host.expectMessageClass(ChildMessages.NamespaceHeld.class));
    }

    private StatusReply<Reply> send(ObjectPath target, Function<ActorRef<StatusReply<Reply>>, ObjectCommand> command) {
        return actor.<StatusReply<Reply>>runCommand(replyTo -> new Routed(target, command.apply(replyTo))).reply();
    }

    private Reply apply(TreeObject desired) {
        StatusReply<Reply> reply = send(desired.path(), r -> new ObjectCommand.Upsert(desired, ObjectCommand.Mode.APPLY, r));
        if (reply.isError()) {
            throw new AssertionError(reply.getError());
        }
        return reply.getValue();
    }

    private TreeObject.Realm realm(RealmSpec spec) {
        return new TreeObject.Realm(path, new Metadata(realm, Map.of(), 0), spec, null);
    }

    private static TreeObject.Space space(ObjectPath at) {
        return new TreeObject.Space(at, new Metadata(at.name(), Map.of(), 0), SpaceSpec.DEFAULT, null);
    }

    private static TreeObject.Stack stack(ObjectPath at) {
        return new TreeObject.Stack(at, new Metadata(at.name(), Map.of(), 0), StackSpec.DEFAULT, null);
    }

    private static TreeObject.Cell cellOf(ObjectPath at, String image) {
        CellSpec spec = cell(container("app").image(image).args("sleep").build());
        return new TreeObject.Cell(at, new Metadata(at.name(), Map.of(), 0), spec, null);
    }

    private List<Class<?>> written() {
        return ActorTestBed.written(actor, "Realm|" + path);
    }

    @Test
    void aRealmIsWrittenThenProvisionedWithItsNamespaceAndCgroup() {
        Reply reply = apply(realm(RealmSpec.DEFAULT));
        assertEquals(Reply.Outcome.CREATED, reply.outcome());
        assertEquals("Ready", reply.object().state());
        assertEquals(List.of(ScopeEvent.Created.class, ScopeEvent.Provisioned.class), written());
        assertTrue(bed.runtime.namespaces().contains(realm + ".kukeon.io"));
        assertTrue(bed.cgroups.groups().containsKey("/kukeon/" + realm));
    }

    @Test
    void theSameSpecAgainWritesNothingAndANewOneIsAGeneration() {
        apply(realm(RealmSpec.DEFAULT));
        Reply same = apply(realm(RealmSpec.DEFAULT));
        assertEquals(Reply.Outcome.UNCHANGED, same.outcome());
        assertEquals(2, written().size());
        Resources limited = new Resources(64L << 20, null, null, null, null, null, null);
        Reply updated = apply(realm(new RealmSpec(null, List.of(), limited)));
        assertEquals(Reply.Outcome.UPDATED, updated.outcome());
        assertEquals(2, updated.object().metadata().generation());
        assertEquals(limited, bed.cgroups.groups().get("/kukeon/" + realm), "the limit reached the cgroup");
    }

    @Test
    void aSecretIsPutUpdatedKeptWhenRedactedAndRemovedAndSurvivesARestart() {
        apply(realm(RealmSpec.DEFAULT));
        SecretData value = new SecretData("first");
        assertEquals(Reply.Outcome.CREATED, send(path, r -> new ObjectCommand.PutSecret("db", value, r)).getValue().outcome());
        assertEquals(Reply.Outcome.UNCHANGED, send(path, r -> new ObjectCommand.PutSecret("db", value, r)).getValue().outcome());
        assertEquals(Reply.Outcome.UNCHANGED, send(path, r -> new ObjectCommand.PutSecret("db", null, r)).getValue().outcome(),
                "a redacted value keeps the stored one");
        assertEquals(List.of(ScopeEvent.Created.class, ScopeEvent.Provisioned.class, ScopeEvent.SecretPut.class), written());
        assertEquals(Reply.Outcome.UPDATED, send(path, r -> new ObjectCommand.PutSecret("db", new SecretData("second"), r))
                .getValue().outcome());
        assertEquals("second", bed.ports.storedSecrets().get(path, "db").orElseThrow().data().value());

        actor.restart();   // replayed through the journal's serializer: sealed, then opened again
        assertEquals("second", actor.getState().secrets().get("db").data().value());
        assertTrue(bed.ports.storedSecrets().get(path, "db").isPresent(), "published again at recovery");

        assertEquals(Reply.Outcome.DELETED, send(path, r -> new ObjectCommand.RemoveSecret("db", r)).getValue().outcome());
        assertTrue(bed.ports.storedSecrets().get(path, "db").isEmpty());
        assertInstanceOf(NotFoundException.class, send(path, r -> new ObjectCommand.RemoveSecret("db", r)).getError());
        assertInstanceOf(InvalidArgumentException.class, send(path, r -> new ObjectCommand.PutSecret("db", null, r)).getError(),
                "a redacted value with nothing stored");
    }

    @Test
    void aScopeHoldsAtMost64SecretsAndItsDeleteTakesThemAlong() {
        apply(realm(RealmSpec.DEFAULT));
        for (int i = 0; i < SecretScope.MAX_SECRETS; i++) {
            String name = "s" + i;
            assertTrue(send(path, r -> new ObjectCommand.PutSecret(name, new SecretData("v"), r)).isSuccess());
        }
        assertInstanceOf(ResourceExhaustedException.class,
                send(path, r -> new ObjectCommand.PutSecret("one-more", new SecretData("v"), r)).getError());
        assertEquals(SecretScope.MAX_SECRETS, bed.ports.storedSecrets().list(path).size());
        actor.runCommand(new Routed(path, new ObjectCommand.Delete(false, false, testKit.<StatusReply<Reply>>createTestProbe().ref())));
        host.expectMessageClass(ChildMessages.Gone.class);
        assertEquals(List.of(), bed.ports.storedSecrets().list(path));
        assertTrue(actor.getState().secrets().isEmpty());
    }

    @Test
    void aVolumeIsPutWithItsDirectoryUpdatedReassertedAtRecoveryAndRemovedWithIt() throws Exception {
        apply(realm(RealmSpec.DEFAULT));
        assertEquals(Reply.Outcome.CREATED, putVolume("data", ReclaimPolicy.Delete).getValue().outcome());
        Path dir = bed.ports.volumeDirectories().dir(path, "data");
        assertTrue(Files.isDirectory(dir), "made once written");
        assertEquals(VolumeDirectories.VOLUME_MODE, (int) Files.getAttribute(dir, "unix:mode") & 07777);
        assertEquals(Reply.Outcome.UNCHANGED, putVolume("data", ReclaimPolicy.Delete).getValue().outcome());
        assertEquals(Reply.Outcome.UPDATED, putVolume("data", ReclaimPolicy.Retain).getValue().outcome());
        assertEquals(List.of(ScopeEvent.Created.class, ScopeEvent.Provisioned.class, ScopeEvent.VolumePut.class,
                ScopeEvent.VolumePut.class), written());
        Files.writeString(dir.resolve("kept.txt"), "kept");

        Files.delete(dir.resolve("kept.txt"));
        Files.delete(dir);
        actor.restart();
        assertEquals(ReclaimPolicy.Retain, actor.getState().volumes().get("data").reclaimPolicy());
        assertTrue(bed.ports.storedVolumes().get(path, "data").isPresent(), "published again at recovery");
        await("the directory made again at recovery", () -> Files.isDirectory(dir));

        assertEquals(Reply.Outcome.DELETED, send(path, r -> new ObjectCommand.RemoveVolume("data", r)).getValue().outcome());
        assertFalse(Files.exists(dir), "its directory goes with it");
        assertTrue(bed.ports.storedVolumes().get(path, "data").isEmpty());
        assertInstanceOf(NotFoundException.class, send(path, r -> new ObjectCommand.RemoveVolume("data", r)).getError());
    }

    @Test
    void aVolumeIsNotDeletedWhileACellThatMountsItIsNotStoppedNorFollowsALinkWhenItIs() throws Exception {
        apply(realm(RealmSpec.DEFAULT));
        putVolume("data", ReclaimPolicy.Delete);
        Path dir = bed.ports.volumeDirectories().dir(path, "data");
        Path outside = Files.createTempDirectory("kukeon-outside");
        Files.writeString(outside.resolve("precious"), "x");
        Files.createSymbolicLink(dir.resolve("link"), outside);
        ObjectPath cellPath = path.child("s").child("st").child("web");
        bed.index.put(mountingCell(cellPath, CellState.Ready));
        StatusReply<Reply> refused = send(path, r -> new ObjectCommand.RemoveVolume("data", r));
        assertInstanceOf(FailedPreconditionException.class, refused.getError());
        assertTrue(refused.getError().getMessage().contains(cellPath + " (Ready)"), refused.getError().getMessage());
        assertTrue(Files.isDirectory(dir), "nothing removed");

        bed.index.put(mountingCell(cellPath, CellState.Stopped));
        assertTrue(send(path, r -> new ObjectCommand.RemoveVolume("data", r)).isSuccess());
        assertFalse(Files.exists(dir, LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.exists(outside.resolve("precious")), "the link was removed, not what it points to");
    }

    @Test
    void aScopesDeleteRemovesItsDeleteVolumesAndLeavesItsRetainOnes() throws Exception {
        apply(realm(RealmSpec.DEFAULT));
        putVolume("scratch", ReclaimPolicy.Delete);
        putVolume("keep", ReclaimPolicy.Retain);
        Path scratch = bed.ports.volumeDirectories().dir(path, "scratch");
        Path keep = bed.ports.volumeDirectories().dir(path, "keep");
        Files.writeString(scratch.resolve("f"), "gone");
        Files.writeString(keep.resolve("f"), "stays");
        actor.runCommand(new Routed(path, new ObjectCommand.Delete(false, false, testKit.<StatusReply<Reply>>createTestProbe().ref())));
        host.expectMessageClass(ChildMessages.Gone.class);
        assertFalse(Files.exists(scratch));
        assertEquals("stays", Files.readString(keep.resolve("f")));
        assertEquals(List.of(), bed.ports.storedVolumes().list(path));
    }

    @Test
    void aScopeHoldsAtMost64Volumes() {
        apply(realm(RealmSpec.DEFAULT));
        for (int i = 0; i < VolumeScope.MAX_VOLUMES; i++) {
            assertTrue(putVolume("v" + i, ReclaimPolicy.Delete).isSuccess());
        }
        assertInstanceOf(ResourceExhaustedException.class, putVolume("one-more", ReclaimPolicy.Delete).getError());
        assertEquals(VolumeScope.MAX_VOLUMES, bed.ports.storedVolumes().list(path).size());
    }

    @Test
    void templatesArePutReplacedRemovedPerKindAndSurviveARestart() {
        apply(realm(RealmSpec.DEFAULT));
        CellBlueprint blueprint = new CellBlueprint("web", List.of(new CellBlueprint.Parameter("IMAGE", "busybox", null)),
                "{\"containers\": [{\"id\": \"app\", \"image\": \"${IMAGE}\"}]}");
        CellConfig config = new CellConfig(new TemplateRef("web", null, null, null), Map.of("IMAGE", "alpine"), List.of("A=1"));
        assertEquals(Reply.Outcome.CREATED, send(path, r -> new ObjectCommand.PutTemplate("web", blueprint, null, r)).getValue().outcome());
        assertEquals(Reply.Outcome.CREATED, send(path, r -> new ObjectCommand.PutTemplate("web", null, config, r)).getValue().outcome(),
                "a blueprint and a config may share a name");
        assertEquals(Reply.Outcome.UNCHANGED, send(path, r -> new ObjectCommand.PutTemplate("web", blueprint, null, r)).getValue().outcome());
        assertEquals(List.of(ScopeEvent.Created.class, ScopeEvent.Provisioned.class, ScopeEvent.TemplatePut.class,
                ScopeEvent.TemplatePut.class), written());
        CellBlueprint changed = new CellBlueprint("www", blueprint.parameters(), blueprint.cell());
        assertEquals(Reply.Outcome.UPDATED, send(path, r -> new ObjectCommand.PutTemplate("web", changed, null, r)).getValue().outcome());
        assertEquals("www", bed.ports.templates().get(TemplateKind.BLUEPRINT, path, "web").orElseThrow().blueprint().prefix());

        actor.restart();   // replayed through the journal's serializer
        host.expectMessageClass(ChildMessages.NamespaceHeld.class);
        assertEquals(changed, actor.getState().templates().get(TemplateKind.BLUEPRINT, "web").blueprint());
        assertEquals(config, actor.getState().templates().get(TemplateKind.CONFIG, "web").config());
        assertTrue(bed.ports.templates().get(TemplateKind.CONFIG, path, "web").isPresent(), "published again at recovery");

        Reply removed = send(path, r -> new ObjectCommand.RemoveTemplate(TemplateKind.BLUEPRINT, "web", r)).getValue();
        assertEquals(List.of(realm + "/cellblueprint/web"), removed.deleted());
        assertTrue(bed.ports.templates().get(TemplateKind.BLUEPRINT, path, "web").isEmpty());
        assertTrue(bed.ports.templates().get(TemplateKind.CONFIG, path, "web").isPresent(), "the config stays");
        NotFoundException gone = (NotFoundException) send(path, r -> new ObjectCommand.RemoveTemplate(TemplateKind.BLUEPRINT,
                "web", r)).getError();
        assertEquals("cellblueprint \"web\" not found in realm \"" + realm + "\"", gone.getMessage());
        assertEquals("CellBlueprintNotFound", gone.kind());

        actor.runCommand(new Routed(path, new ObjectCommand.Delete(false, false, testKit.<StatusReply<Reply>>createTestProbe().ref())));
        host.expectMessageClass(ChildMessages.Gone.class);
        assertTrue(bed.ports.templates().list(TemplateKind.CONFIG, null).stream().noneMatch(e -> e.scope().equals(path)),
                "gone with its scope");
        assertTrue(actor.getState().templates().isEmpty());
    }

    @Test
    void aScopeHoldsAtMost64BlueprintsAndTemplatesOfAnAbsentScopeAreRefused() {
        assertInstanceOf(NotFoundException.class, send(path, r -> new ObjectCommand.PutTemplate("x",
                new CellBlueprint("x", List.of(), "{}"), null, r)).getError());
        apply(realm(RealmSpec.DEFAULT));
        for (int i = 0; i < TemplateScope.MAX_TEMPLATES; i++) {
            String name = "b" + i;
            assertTrue(send(path, r -> new ObjectCommand.PutTemplate(name, new CellBlueprint(name, List.of(), "{}"), null, r))
                    .isSuccess());
        }
        assertInstanceOf(ResourceExhaustedException.class, send(path, r -> new ObjectCommand.PutTemplate("one-more",
                new CellBlueprint("x", List.of(), "{}"), null, r)).getError());
        assertEquals(TemplateScope.MAX_TEMPLATES, bed.ports.templates().list(TemplateKind.BLUEPRINT, path).size());
    }

    private StatusReply<Reply> putVolume(String name, ReclaimPolicy policy) {
        return send(path, r -> new ObjectCommand.PutVolume(name, policy, r));
    }

    private static TreeObject.Cell mountingCell(ObjectPath cellPath, CellState state) {
        var mount = VolumeMount.volume(new VolumeRef("data", null, null, null), "${CELL_NAME}", "/data", false);
        return new TreeObject.Cell(cellPath, new Metadata(cellPath.name(), Map.of(), 1),
                cell(container("app").volumes(mount).build()),
                new CellStatus(state, null, null, null, List.of(), false, null, Instant.now(), Instant.now(), null, 1));
    }

    @Test
    void aRealmsNamespaceCannotChange() {
        apply(realm(RealmSpec.DEFAULT));
        StatusReply<Reply> reply = send(path, r -> new ObjectCommand.Upsert(realm(new RealmSpec("other.ns", List.of(),
                Resources.NONE)), ObjectCommand.Mode.APPLY, r));
        assertInstanceOf(FailedPreconditionException.class, reply.getError());
        assertEquals(2, written().size(), "nothing written");
    }

    @Test
    void applyCreatesMissingParentsOnTheWayDown() {
        ObjectPath stackPath = path.child("s").child("t");
        Reply reply = apply(stack(stackPath));
        assertEquals(Reply.Outcome.CREATED, reply.outcome());
        assertEquals(stackPath, reply.object().path());
        assertTrue(written().contains(ScopeEvent.ChildAdded.class));
        await("the space in the index", () -> bed.index.get(path.child("s")).isPresent());
        assertEquals(LevelState.Ready.name(), bed.index.get(path).orElseThrow().state(), "the realm, with defaults");
    }

    @Test
    void aCreateOfAChildUnderALevelThatDoesNotExistIsNotFound() {
        StatusReply<Reply> reply = send(path.child("s"), r -> new ObjectCommand.Upsert(space(path.child("s")),
                ObjectCommand.Mode.CREATE, r));
        assertTrue(reply.isError());
        assertTrue(written().isEmpty());
    }

    @Test
    void aNamespaceSomeoneElseFilledIsNotTakenAndItsDeleteLeavesItAlone() {
        bed.runtime.addForeignNamespace("theirs");
        Reply created = apply(realm(new RealmSpec("theirs", List.of(), null)));
        assertEquals("Failed", created.object().state());
        assertEquals(RuntimeFailure.NAMESPACE_NOT_OURS, ((TreeObject.Realm) created.object()).status().reason());

        actor.runCommand(new Routed(path, new ObjectCommand.Delete(false, false, testKit.<StatusReply<Reply>>createTestProbe().ref())));
        host.expectMessageClass(ChildMessages.Gone.class);
        assertTrue(bed.runtime.namespaces().contains("theirs"), "their namespace is still there");
        assertEquals(1, bed.runtime.listImages("theirs").size(), "with their image");
    }

    @Test
    void aDeleteOfALevelWithChildrenNeedsCascade() {
        apply(space(path.child("s")));
        TestProbe<StatusReply<Reply>> client = testKit.createTestProbe();
        actor.runCommand(new Routed(path, new ObjectCommand.Delete(false, false, client.ref())));
        ChildMessages.DeleteFailed failed = host.expectMessageClass(ChildMessages.DeleteFailed.class);
        assertInstanceOf(FailedPreconditionException.class, failed.error());
        assertTrue(failed.error().getMessage().contains("--cascade"));
        assertTrue(actor.getState().exists());
    }

    @Test
    void aCascadeDeleteRemovesEverythingBelowFirstThenTheRealm() {
        apply(cellOf(path.child("s").child("t").child("web"), "busybox"));
        await("the cell runs", () -> bed.index.get(path.child("s").child("t").child("web"))
                .map(o -> o.state().equals("Ready")).orElse(false));
        TestProbe<StatusReply<Reply>> client = testKit.createTestProbe();
        ObjectCommand.Delete delete = new ObjectCommand.Delete(true, false, client.ref());
        actor.runCommand(new Routed(path, delete));
        ChildMessages.Gone gone = host.expectMessageClass(ChildMessages.Gone.class, java.time.Duration.ofSeconds(10));
        assertEquals(new ChildMessages.Asked(delete), gone.origin());
        List<String> deleted = gone.reply().deleted();
        assertEquals(path.toString(), deleted.get(deleted.size() - 1), "the realm last");
        assertTrue(deleted.containsAll(List.of(realm + "/s/t/web/app", realm + "/s/t/web", realm + "/s/t", realm + "/s")));
        assertTrue(bed.runtime.containers().isEmpty());
        assertFalse(bed.runtime.namespaces().contains(realm + ".kukeon.io"), "its namespace removed");
        assertTrue(bed.cgroups.groups().keySet().stream().noneMatch(g -> g.startsWith("/kukeon/" + realm)));
        assertFalse(actor.getState().exists());
    }

    @Test
    void aCreateLeftWithoutOutcomeIsProvisionedAtRecovery() {
        actor.initialize(new ScopeEvent.Created(ScopeSpec.defaults(), Map.of(), Map.of(), Instant.now()));
        await("provisioned", () -> actor.getState().phase() == ScopeRecord.Phase.PROVISIONED);
        assertEquals(LevelState.Ready, actor.getState().outcome().state());
        assertTrue(bed.runtime.namespaces().contains(realm + ".kukeon.io"));
    }

    @Test
    void aCreateWhoseWriteFailsIsAnsweredUnavailableAndCreatesNothing() {
        actor.persistenceTestKit().failNextPersisted("Realm|" + path);
        StatusReply<Reply> reply = send(path, r -> new ObjectCommand.Upsert(realm(RealmSpec.DEFAULT),
                ObjectCommand.Mode.APPLY, r));
        assertInstanceOf(UnavailableException.class, reply.getError());
        assertTrue(bed.cgroups.groups().isEmpty() && bed.runtime.namespaces().isEmpty(), "nothing on the host");
        await("restarted", () -> !actor.getState().exists());
        assertEquals(Reply.Outcome.CREATED, apply(realm(RealmSpec.DEFAULT)).outcome(), "and the same create works");
    }

    /** A realm's logins come down the tree: a new login reaches the cells below, no index is read. */
    @Test
    void aRealmsNewLoginsReachWhatRunsBelowIt() {
        RegistryCredential first = new RegistryCredential("alice", "one", "registry.example");
        apply(realm(new RealmSpec(null, List.of(first), Resources.NONE)));
        ObjectPath web = path.child("s").child("t").child("web");
        apply(cellOf(web, "registry.example/app:1"));
        assertEquals(List.of(first), bed.runtime.pullLogins("registry.example/app:1"));

        RegistryCredential second = new RegistryCredential("alice", "two", "registry.example");
        apply(realm(new RealmSpec(null, List.of(second), Resources.NONE)));
        bed.runtime.removeImage("registry.example/app:1");
        StatusReply<Reply> restarted = send(web, r -> new ObjectCommand.Restart(null, r));
        assertFalse(restarted.isError(), String.valueOf(restarted));
        assertEquals(List.of(second), bed.runtime.pullLogins("registry.example/app:1"), "the running container's new login");
        apply(cellOf(path.child("s").child("t").child("api"), "registry.example/api:1"));
        assertEquals(List.of(second), bed.runtime.pullLogins("registry.example/api:1"), "and a new cell's");
    }
}
