package io.kukeon.supervisor.host;

import io.kukeon.model.EgressPolicy;
import io.kukeon.model.Metadata;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.Resources;
import io.kukeon.model.SpaceSpec;
import io.kukeon.model.TreeObject;
import io.kukeon.network.SpaceEgress;
import io.kukeon.network.SpaceNetwork;
import io.kukeon.supervisor.ObjectCommand;
import io.kukeon.supervisor.Reply;
import io.kukeon.supervisor.Routed;
import io.kukeon.supervisor.TreeCommand;
import io.kukeon.testing.ActorTestBed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.kukeon.testing.ActorTestBed.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A space's egress policy through the tree, on the fake packet filter: made with the space's
 * network, replaced when the policy changes, removed before the network, re-asserted at recovery,
 * and the chains of spaces that are gone removed at start-up.
 */
class SpaceEgressProvisioningTest {
    private static final ObjectPath SPACE = ObjectPath.parse("r/s");
    private static final EgressPolicy DENY_DB = new EgressPolicy(EgressPolicy.Default.DENY,
            List.of(EgressPolicy.Target.cidr("10.20.0.0/16", 5432)));

    ActorTestKit testKit;
    ActorTestBed bed;
    EventSourcedBehaviorTestKit<TreeCommand, HostEvent, HostRecord> host;

    @BeforeEach
    void start() {
        testKit = ActorTestKit.create("space-egress", ActorTestBed.CONFIG);
        bed = new ActorTestBed();
        host = EventSourcedBehaviorTestKit.create(testKit.system(), HostSupervisor.create(bed.ports, Duration.ZERO),
                ActorTestBed.SERIALIZATION);
    }

    @AfterEach
    void stop() {
        testKit.shutdownTestKit();
    }

    @Test
    void aSpaceGetsItsChainWithItsNetworkFromItsBridgeSubnetAndPolicy() {
        TreeObject.Space space = apply(DENY_DB);

        assertEquals("Ready", space.state());
        assertEquals(Map.of("r/s", expected(DENY_DB)), bed.egress.applied());
        assertTrue(bed.egress.hooked());
        assertEquals(DENY_DB, space.spec().egress(), "the space shows its policy");
    }

    @Test
    void aSpaceWithoutAPolicyStillGetsAChainThatKeepsOtherSpacesOut() {
        apply(null);

        assertEquals(Map.of("r/s", expected(EgressPolicy.ALLOW_ALL)), bed.egress.applied());
    }

    /** Beyond the reference, which ignores it: a changed policy is a new generation and replaces the rules. */
    @Test
    void anEditedPolicyAppliedToTheSpaceReplacesItsRules() {
        apply(DENY_DB);
        int changes = bed.egress.changes();
        EgressPolicy wider = new EgressPolicy(EgressPolicy.Default.DENY,
                List.of(EgressPolicy.Target.cidr("10.20.0.0/16"), EgressPolicy.Target.host("db.example")));

        StatusReply<Reply> reply = send(wider);

        assertEquals(Reply.Outcome.UPDATED, reply.getValue().outcome());
        assertEquals(2, reply.getValue().object().metadata().generation());
        assertEquals(expected(wider), bed.egress.applied().get("r/s"));
        assertEquals(changes + 1, bed.egress.changes());
        assertEquals(Reply.Outcome.UNCHANGED, send(wider).getValue().outcome(), "the same policy again changes nothing");
        assertEquals(changes + 1, bed.egress.changes());
    }

    @Test
    void aHostThatDoesNotResolveLeavesTheSpaceReadyAndSaysSo() {
        bed.egress.unresolvable("nowhere.invalid");

        TreeObject.Space space = apply(new EgressPolicy(EgressPolicy.Default.DENY, List.of(EgressPolicy.Target.host("nowhere.invalid", 443))));

        assertEquals("Ready", space.state());
        assertEquals("EgressHostUnresolved", space.status().reason());
        assertEquals("egress: allowed hosts that did not resolve allow nothing for now: nowhere.invalid: Name or service not known",
                space.status().message());
    }

    @Test
    void aRefusedRuleChangeFailsTheSpaceNamingEgressAndTheNextApplyTriesAgain() {
        await("the start-up's hooks", bed.egress::hooked);
        bed.egress.failNext("iptables-restore: line 3 failed");

        TreeObject.Space failed = apply(DENY_DB);

        assertEquals("Failed", failed.state());
        assertEquals("EgressFailed", failed.status().reason());
        assertTrue(failed.status().message().contains("iptables-restore: line 3 failed"), failed.status().message());
        assertTrue(bed.egress.applied().isEmpty());
        TreeObject.Space retried = apply(DENY_DB);
        assertEquals("Ready", retried.state());
        assertNull(retried.status().reason());
        assertEquals(Map.of("r/s", expected(DENY_DB)), bed.egress.applied());
    }

    /** The chain goes before the bridge; a chain that cannot be removed keeps the space (and its network) for a retry. */
    @Test
    void aDeleteRemovesTheChainBeforeTheNetwork() {
        apply(DENY_DB);
        bed.egress.failNext("iptables: resource busy");

        StatusReply<Reply> refused = host.<StatusReply<Reply>>runCommand(r -> new Routed(SPACE, new ObjectCommand.Delete(true, false, r))).reply();

        assertTrue(refused.isError());
        assertTrue(bed.networks.networks().containsKey("r-s"), "the network stays while the chain does");
        assertTrue(host.<StatusReply<Reply>>runCommand(r -> new Routed(SPACE, new ObjectCommand.Delete(true, false, r))).reply().isSuccess());
        assertTrue(bed.egress.applied().isEmpty());
        assertFalse(bed.networks.networks().containsKey("r-s"));
    }

    /** A restart (or a reboot that emptied the filter table): hooks and every space's chain come back; a gone space's chain goes. */
    @Test
    void recoveryReassertsEveryChainAndRemovesThoseOfSpacesThatAreGone() {
        apply(DENY_DB);
        bed.egress.wipe();
        SpaceEgress leftover = new SpaceEgress(ObjectPath.parse("old/gone"), "k-00000000", "10.88.9.0/24", EgressPolicy.ALLOW_ALL);
        bed.egress.ensure(leftover);

        host.restart();

        await("the space's chain again, and the leftover gone",
                () -> bed.egress.applied().keySet().equals(Set.of("r/s")));
        assertEquals(expected(DENY_DB), bed.egress.applied().get("r/s"));
    }

    @Test
    void theHooksAreInPlaceAtStartUpBeforeAnySpaceExists() {
        await("the hooks", bed.egress::hooked);
        assertTrue(bed.egress.applied().isEmpty());
    }

    private SpaceEgress expected(EgressPolicy policy) {
        String bridge = SpaceNetwork.bridgeName(SpaceNetwork.networkName("r", "s"));
        return new SpaceEgress(SPACE, bridge, host.getState().subnets().get("r/s"), policy);
    }

    private TreeObject.Space apply(EgressPolicy policy) {
        StatusReply<Reply> reply = send(policy);
        assertTrue(reply.isSuccess(), () -> String.valueOf(reply.getError()));
        return (TreeObject.Space) reply.getValue().object();
    }

    private StatusReply<Reply> send(EgressPolicy policy) {
        TreeObject.Space space = new TreeObject.Space(SPACE, new Metadata("s", Map.of(), 0), new SpaceSpec(Resources.NONE, policy, null), null);
        return host.<StatusReply<Reply>>runCommand(r -> new Routed(SPACE, new ObjectCommand.Upsert(space, ObjectCommand.Mode.APPLY, r))).reply();
    }
}
