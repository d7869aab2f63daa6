package io.kukeon.supervisor.host;

import io.kukeon.model.CellSpec;
import io.kukeon.model.FailedPreconditionException;
import io.kukeon.model.Metadata;
import io.kukeon.model.NotFoundException;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.RealmSpec;
import io.kukeon.model.Resources;
import io.kukeon.model.SpaceSpec;
import io.kukeon.network.SpaceNetworkSource;
import io.kukeon.model.TreeObject;
import io.kukeon.supervisor.Notice;
import io.kukeon.supervisor.PersistenceIds;
import io.kukeon.supervisor.ObjectCommand;
import io.kukeon.supervisor.Reply;
import io.kukeon.supervisor.Routed;
import io.kukeon.supervisor.TreeCommand;
import io.kukeon.supervisor.scope.ScopeEvent;
import io.kukeon.supervisor.scope.ScopeSpec;
import io.kukeon.supervisor.tree.ChildMessages;
import io.kukeon.testing.ActorTestBed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static io.kukeon.testing.ActorTestBed.await;
import static io.kukeon.testing.Specs.cell;
import static io.kukeon.testing.Specs.container;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host supervisor, driven directly with the whole tree below it on the fake ports: it records
 * realms, routes commands down and containerd's notices to the container they name, and writes
 * each start of the daemon. A fresh actor system per test: the host has one persistence id.
 */
class HostSupervisorTest {
    ActorTestKit testKit;
    ActorTestBed bed;
    EventSourcedBehaviorTestKit<TreeCommand, HostEvent, HostRecord> host;

    @BeforeEach
    void start() {
        testKit = ActorTestKit.create("host-supervisor", ActorTestBed.CONFIG);
        bed = new ActorTestBed();
        host = EventSourcedBehaviorTestKit.create(testKit.system(), HostSupervisor.create(bed.ports, Duration.ZERO),
                ActorTestBed.SERIALIZATION);
    }

    @AfterEach
    void stop() {
        testKit.shutdownTestKit();
    }

    private StatusReply<Reply> send(ObjectPath target, Function<ActorRef<StatusReply<Reply>>, ObjectCommand> command) {
        return host.<StatusReply<Reply>>runCommand(replyTo -> new Routed(target, command.apply(replyTo))).reply();
    }

    private List<Class<?>> written() {
        return ActorTestBed.written(host, HostSupervisor.PERSISTENCE_ID.id());
    }

    private static TreeObject.Realm realm(String name) {
        return new TreeObject.Realm(ObjectPath.of(name), new Metadata(name, Map.of(), 0), RealmSpec.DEFAULT, null);
    }

    @Test
    void everyStartOfTheDaemonIsWritten() {
        await("the start written", () -> written().contains(HostEvent.DaemonStarted.class));
        host.restart();
        await("and the next", () -> written().stream().filter(HostEvent.DaemonStarted.class::equals).count() == 2);
    }

    /** A command that reaches the host while it replays waits until the daemon's start is written. */
    @Test
    void theDaemonsStartIsWrittenBeforeWhatTheFirstCommandWrites() {
        ActorTestKit own = ActorTestKit.create("host-first-command", ActorTestBed.CONFIG);
        try {
            TestProbe<StatusReply<Reply>> client = own.createTestProbe();
            ActorRef<TreeCommand> fresh = own.spawn(HostSupervisor.create(new ActorTestBed().ports, Duration.ZERO));
            fresh.tell(new Routed(ObjectPath.of("r"), new ObjectCommand.Upsert(realm("r"), ObjectCommand.Mode.CREATE,
                    client.ref())));   // arrives while the host replays its (empty) journal
            assertEquals(Reply.Outcome.CREATED, client.receiveMessage(Duration.ofSeconds(10)).getValue().outcome());
            List<Object> journal = PersistenceTestKit.create(own.system())
                    .persistedInStorage(HostSupervisor.PERSISTENCE_ID.id()).stream()
                    .<Object>map(e -> e instanceof org.apache.pekko.persistence.journal.Tagged t ? t.payload() : e)
                    .toList();
            assertEquals(List.of(HostEvent.DaemonStarted.class, HostEvent.RealmAdded.class),
                    journal.stream().map(Object::getClass).toList());
        } finally {
            own.shutdownTestKit();
        }
    }

    @Test
    void aNewRealmIsRecordedAndTheCommandGoesOnToIt() {
        StatusReply<Reply> reply = send(ObjectPath.of("r"), r -> new ObjectCommand.Upsert(realm("r"), ObjectCommand.Mode.CREATE, r));
        assertEquals(Reply.Outcome.CREATED, reply.getValue().outcome());
        assertEquals(java.util.Set.of("r"), host.getState().realms());
        assertTrue(written().contains(HostEvent.RealmAdded.class));
    }

    @Test
    void aCommandForARealmThatDoesNotExistIsNotFound() {
        StatusReply<Reply> reply = send(ObjectPath.parse("nope/s"), ObjectCommand.Get::new);
        assertInstanceOf(NotFoundException.class, reply.getError());
        assertTrue(host.getState().realms().isEmpty());
    }

    @Test
    void containerdsExitIsRoutedToTheContainerItNames() {
        ObjectPath web = ObjectPath.parse("r/s/t/web");
        CellSpec spec = cell(container("app").args("sleep").build());
        StatusReply<Reply> started = send(web, r -> new ObjectCommand.Upsert(new TreeObject.Cell(web,
                new Metadata("web", Map.of(), 0), spec, null), ObjectCommand.Mode.APPLY, r));
        assertEquals("Ready", started.getValue().object().state());
        int pid = bed.runtime.container("r.kukeon.io", "s_t_web_app").task().pid();
        bed.runtime.exitSilently("r.kukeon.io", "s_t_web_app", 7);
        host.runCommand(new HostSupervisor.RuntimeEvent("r.kukeon.io", "s_t_web_app",
                new Notice.TaskExited(pid, 7, Instant.now())));
        await("the exit recorded", () -> bed.index.get(web.child("app")).map(o -> o.state().equals("Error")).orElse(false));
        host.runCommand(new HostSupervisor.RuntimeEvent("elsewhere.ns", "s_t_web_app",
                new Notice.TaskExited(pid, 1, Instant.now())));   // a namespace no realm owns: nothing happens
        assertEquals(List.of(HostEvent.DaemonStarted.class, HostEvent.RealmAdded.class, HostEvent.SubnetClaimed.class),
                written().stream().distinct().toList());
    }

    private static TreeObject.Space space(String path) {
        ObjectPath at = ObjectPath.parse(path);
        return new TreeObject.Space(at, new Metadata(at.name(), Map.of(), 0), io.kukeon.model.SpaceSpec.DEFAULT, null);
    }

    /**
     * Each space's network has its own /24, journaled by the host before the space is told: spaces
     * of two realms never share one, a restart keeps them, a deleted space's /24 is free again.
     */
    @Test
    void everySpaceGetsItsOwnSubnetFromTheJournalAndGivesItBackWhenDeleted() {
        for (String s : List.of("a/one", "a/two", "b/one")) {
            assertEquals("Ready", send(ObjectPath.parse(s), r -> new ObjectCommand.Upsert(space(s), ObjectCommand.Mode.APPLY, r))
                    .getValue().object().state());
        }
        assertEquals(Map.of("a/one", "10.88.0.0/24", "a/two", "10.88.1.0/24", "b/one", "10.88.2.0/24"), host.getState().subnets());
        assertEquals(java.util.Set.of("a-one", "a-two", "b-one"), bed.networks.networks().keySet());

        host.restart();
        await("the tree back", () -> bed.index.get(ObjectPath.parse("a/two")).isPresent());
        assertEquals("10.88.1.0/24", host.getState().subnets().get("a/two"), "the same /24 after a restart");

        assertTrue(send(ObjectPath.parse("a/one"), r -> new ObjectCommand.Delete(true, false, r)).isSuccess());
        assertFalse(host.getState().subnets().containsKey("a/one"));
        assertFalse(bed.networks.networks().containsKey("a-one"), "its network is removed");
        assertTrue(written().contains(HostEvent.SubnetReleased.class));
        send(ObjectPath.parse("c/one"), r -> new ObjectCommand.Upsert(space("c/one"), ObjectCommand.Mode.APPLY, r));
        assertEquals("10.88.0.0/24", host.getState().subnets().get("c/one"), "the freed /24 is the first free one");
    }

    @TempDir
    Path conflists;

    private String conflist(String name, String bridge, String subnet) throws Exception {
        Path file = conflists.resolve(name + ".conflist");
        Files.writeString(file, "{\"cniVersion\": \"1.0.0\", \"name\": \"" + name + "\", \"plugins\": [{\"type\": \"bridge\","
                + " \"bridge\": \"" + bridge + "\", \"ipam\": {\"type\": \"host-local\", \"subnet\": \"" + subnet + "\"}}]}");
        return file.toString();
    }

    private static TreeObject.Space space(String path, String cniConfigPath) {
        ObjectPath at = ObjectPath.parse(path);
        return new TreeObject.Space(at, new Metadata(at.name(), Map.of(), 0), new SpaceSpec(Resources.NONE, null, cniConfigPath), null);
    }

    /**
     * A space on the user's conflist claims that network, not a /24: the host journals its subnet,
     * name and bridge, its cells are told the file, a second space that overlaps it fails naming it
     * and claims nothing, the path cannot change, and the delete releases the claim.
     */
    @Test
    void aSpaceOnAUsersConflistClaimsItsNetworkAndNoOtherSpaceMayOverlapIt() throws Exception {
        String shop = conflist("shop", "shop0", "10.89.7.0/24");
        TreeObject made = send(ObjectPath.parse("a/shop"), r -> new ObjectCommand.Upsert(space("a/shop", shop),
                ObjectCommand.Mode.APPLY, r)).getValue().object();
        assertEquals("Ready", made.state());
        assertEquals(Map.of("a/shop", "10.89.7.0/24"), host.getState().subnets(), "its own subnet, no /24 of the pod subnet");
        assertEquals(new HostRecord.NetworkFile(shop, "shop", "shop0"), host.getState().networkFiles().get("a/shop"));
        assertEquals("shop", bed.networks.networks().get("shop").name());
        assertEquals(new io.kukeon.network.SpaceEgress(ObjectPath.parse("a/shop"), "shop0", "10.89.7.0/24",
                io.kukeon.model.EgressPolicy.ALLOW_ALL), bed.egress.applied().get("a/shop"), "its chain holds to the file's bridge and subnet");
        assertEquals(SpaceNetworkSource.file(Path.of(shop)), host.<StatusReply<SpaceNetworkSource>>runCommand(
                replyTo -> new ChildMessages.ClaimSubnet(ObjectPath.parse("a/shop"), replyTo)).reply().getValue(), "what its cells are told");

        String overlapping = conflist("other", "other0", "10.89.0.0/16");
        TreeObject refused = send(ObjectPath.parse("a/other"), r -> new ObjectCommand.Upsert(space("a/other", overlapping),
                ObjectCommand.Mode.APPLY, r)).getValue().object();
        assertEquals("Failed", refused.state());
        assertEquals("NetworkInUse", ((TreeObject.Space) refused).status().reason());
        assertTrue(((TreeObject.Space) refused).status().message().contains("overlaps space a/shop's network \"shop\" (10.89.7.0/24)"),
                ((TreeObject.Space) refused).status().message());
        assertFalse(host.getState().subnets().containsKey("a/other"));
        assertFalse(host.getState().networkFiles().containsKey("a/other"));
        assertFalse(bed.networks.networks().containsKey("other"), "no network made for it");

        send(ObjectPath.parse("a/web"), r -> new ObjectCommand.Upsert(space("a/web"), ObjectCommand.Mode.APPLY, r));
        assertEquals("10.88.0.0/24", host.getState().subnets().get("a/web"), "a space without one still gets a /24");

        StatusReply<Reply> changed = send(ObjectPath.parse("a/shop"), r -> new ObjectCommand.Upsert(space("a/shop", overlapping),
                ObjectCommand.Mode.APPLY, r));
        assertTrue(changed.getError().getMessage().contains("spec.cniConfigPath cannot change"), changed.getError().getMessage());
        assertTrue(changed.getError().getMessage().contains("delete the space and recreate it"), changed.getError().getMessage());

        Files.writeString(Path.of(shop), Files.readString(Path.of(shop)).replace("\"shop\"", "\"renamed\""));
        StatusReply<SpaceNetworkSource> renamed = host.<StatusReply<SpaceNetworkSource>>runCommand(replyTo -> new ChildMessages.ClaimSubnet(
                ObjectPath.parse("a/shop"), shop, io.kukeon.network.UserNetwork.read(shop), replyTo)).reply();
        assertTrue(renamed.getError().getMessage().contains("changed from \"shop\" to \"renamed\""), renamed.getError().getMessage());
        assertEquals("shop", host.getState().networkFiles().get("a/shop").name(), "the claim is kept");

        assertTrue(send(ObjectPath.parse("a/shop"), r -> new ObjectCommand.Delete(true, false, r)).isSuccess());
        assertFalse(host.getState().networkFiles().containsKey("a/shop"));
        assertFalse(host.getState().subnets().containsKey("a/shop"));
        assertTrue(Files.exists(Path.of(shop)), "the user's file is left");
    }

    /** A pod subnet with no /24 left: the space is Failed with the reason, and nothing is claimed for it. */
    @Test
    void aSpaceWhenThePodSubnetIsFullFailsAndSaysWhy() {
        for (int i = 0; i < 256; i++) {
            ObjectPath space = ObjectPath.parse("r/s" + i);
            assertTrue(host.<StatusReply<SpaceNetworkSource>>runCommand(replyTo -> new ChildMessages.ClaimSubnet(space, replyTo)).reply().isSuccess());
        }
        StatusReply<SpaceNetworkSource> full = host.<StatusReply<SpaceNetworkSource>>runCommand(
                replyTo -> new ChildMessages.ClaimSubnet(ObjectPath.parse("r/more"), replyTo)).reply();
        assertTrue(full.getError().getMessage().contains("no free /24 left in pod-subnet 10.88.0.0/16"), full.getError().getMessage());

        TreeObject space = send(ObjectPath.parse("q/full"), r -> new ObjectCommand.Upsert(space("q/full"), ObjectCommand.Mode.APPLY, r))
                .getValue().object();
        assertEquals("Failed", space.state());
        assertEquals("PodSubnetExhausted", ((TreeObject.Space) space).status().reason());
        assertEquals(256, host.getState().subnets().size());
    }

    @Test
    void aDeletedRealmIsForgottenAndTheDeleteAnswered() {
        send(ObjectPath.of("r"), r -> new ObjectCommand.Upsert(realm("r"), ObjectCommand.Mode.CREATE, r));
        StatusReply<Reply> deleted = send(ObjectPath.of("r"), r -> new ObjectCommand.Delete(false, false, r));
        assertEquals(List.of("r"), deleted.getValue().deleted());
        assertTrue(host.getState().realms().isEmpty());
        assertEquals(HostEvent.RealmRemoved.class, written().get(written().size() - 1));
        assertFalse(bed.runtime.namespaces().contains("r.kukeon.io"));
    }

    private static TreeObject.Realm realm(String name, String namespace) {
        return new TreeObject.Realm(ObjectPath.of(name), new Metadata(name, Map.of(), 0),
                new RealmSpec(namespace, List.of(), null), null);
    }

    @Test
    void aNamespaceBelongsToOneRealmUntilThatRealmIsGone() {
        send(ObjectPath.of("a"), r -> new ObjectCommand.Upsert(realm("a", "shared"), ObjectCommand.Mode.CREATE, r));
        int written = written().size();

        StatusReply<Reply> taken = send(ObjectPath.of("b"),
                r -> new ObjectCommand.Upsert(realm("b", "shared"), ObjectCommand.Mode.APPLY, r));
        FailedPreconditionException refused = assertInstanceOf(FailedPreconditionException.class, taken.getError());
        assertEquals("NamespaceInUse", refused.kind());
        assertTrue(refused.getMessage().contains("\"shared\" belongs to realm \"a\""), refused.getMessage());
        StatusReply<Reply> byDefault = send(ObjectPath.of("c"),
                r -> new ObjectCommand.Upsert(realm("c", "a.kukeon.io"), ObjectCommand.Mode.APPLY, r));
        assertTrue(byDefault.isSuccess(), "a's default namespace is free while a has another");
        assertEquals(written + 1, written().size(), "b wrote nothing");
        assertEquals(Map.of("a", "shared", "c", "a.kukeon.io"), host.getState().namespaces());

        send(ObjectPath.of("a"), r -> new ObjectCommand.Delete(false, false, r));
        assertEquals(Reply.Outcome.CREATED, send(ObjectPath.of("b"),
                r -> new ObjectCommand.Upsert(realm("b", "shared"), ObjectCommand.Mode.APPLY, r)).getValue().outcome());
    }

    /**
     * A journal from before claims: its realms tell their namespaces at recovery, and a new realm
     * waits until they have, so it cannot take one of them meanwhile.
     */
    @Test
    void realmsFromAnOlderJournalClaimTheirNamespacesBeforeANewRealmIsAdded() {
        ActorTestKit own = ActorTestKit.create("host-older-journal", ActorTestBed.CONFIG);
        try {
            PersistenceTestKit journal = PersistenceTestKit.create(own.system());
            Instant then = Instant.parse("2026-12-01T00:00:00Z");
            journal.persistForRecovery(HostSupervisor.PERSISTENCE_ID.id(),
                    List.of(new HostEvent.DaemonStarted(then), new HostEvent.RealmAdded("old", null)));
            journal.persistForRecovery(PersistenceIds.of(ObjectPath.of("old")).id(), List.of(new ScopeEvent.Created(
                    new ScopeSpec("kept", List.of(), null), Map.of(), Map.of(), then)));
            ActorRef<TreeCommand> fresh = own.spawn(HostSupervisor.create(new ActorTestBed().ports, Duration.ZERO));
            TestProbe<StatusReply<Reply>> client = own.createTestProbe();

            fresh.tell(new Routed(ObjectPath.of("new"), new ObjectCommand.Upsert(realm("new", "kept"),
                    ObjectCommand.Mode.APPLY, client.ref())));

            FailedPreconditionException refused = assertInstanceOf(FailedPreconditionException.class,
                    client.receiveMessage(Duration.ofSeconds(10)).getError());
            assertTrue(refused.getMessage().contains("belongs to realm \"old\""), refused.getMessage());
            assertTrue(journal.persistedInStorage(HostSupervisor.PERSISTENCE_ID.id()).stream()
                    .map(e -> e instanceof org.apache.pekko.persistence.journal.Tagged t ? t.payload() : e)
                    .anyMatch(new HostEvent.NamespaceClaimed("old", "kept")::equals), "the old realm's claim is written");
        } finally {
            own.shutdownTestKit();
        }
    }
}
