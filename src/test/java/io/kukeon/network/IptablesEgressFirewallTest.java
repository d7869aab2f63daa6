package io.kukeon.network;

import io.kukeon.model.EgressPolicy;
import io.kukeon.model.ObjectPath;
import io.kukeon.testing.NetworkNamespaces;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real: iptables (nf_tables) inside a network namespace this test makes; the host's rules are never touched. */
@Tag("network")
class IptablesEgressFirewallTest extends EgressFirewallContract {
    private static final ObjectPath WEB = ObjectPath.of("team", "web");
    private static final ObjectPath DB = ObjectPath.of("team", "db");

    private final Map<String, List<String>> dns = new HashMap<>();
    private final HostResolver resolver = host -> {
        List<String> a = dns.get(host);
        if (a == null) {
            throw new UnknownHostException(host + ": no such host");
        }
        return a;
    };
    private NetworkNamespaces namespaces;
    private NetworkNamespaces.Namespace netns;
    private IptablesEgressFirewall firewall;

    @BeforeEach
    void makeNamespace() throws Exception {
        NetworkNamespaces.needTools("iptables", "iptables-restore");
        namespaces = new NetworkNamespaces("egress");
        netns = namespaces.create("fw").loopbackUp();
        firewall = new IptablesEgressFirewall(netns.inside, resolver);
    }

    @Override
    EgressFirewall firewall() {
        return firewall;
    }

    @AfterEach
    void deleteNamespace() throws Exception {
        if (namespaces != null) {
            namespaces.close();
        }
    }

    @Test
    void hooksPutOurChainsFirstInForwardAndASecondCallChangesNothing() throws Exception {
        firewall.ensureHooks();
        String first = table();
        firewall.ensureHooks();

        assertEquals(first, table());
        assertEquals(List.of("-A FORWARD -m comment --comment \"kukeon:egress\" -j KUKEON-EGRESS",
                "-A FORWARD -m comment --comment \"kukeon:admission\" -j KUKEON-FORWARD"), rulesOf("FORWARD"));
        assertEquals(List.of("-A KUKEON-EGRESS -i k-+ -m comment --comment \"kukeon:no-space\" -j DROP"), rulesOf("KUKEON-EGRESS"));
        assertEquals(EgressRulePlan.admission().stream().map(IptablesRule::append).toList(), rulesOf("KUKEON-FORWARD"));
    }

    @Test
    void aSpaceChainIsExactlyItsPlanInOrderAndEnsuringTwiceChangesNothing() throws Exception {
        dns.put("api.example.test", List.of("10.231.7.1", "10.231.7.2"));
        SpaceEgress web = web(new EgressPolicy(EgressPolicy.Default.DENY, List.of(
                EgressPolicy.Target.cidr("10.231.9.0/24", 80, 443),
                EgressPolicy.Target.cidr("0.0.0.0/0", 53),
                EgressPolicy.Target.host("api.example.test", 8443))));

        EgressFirewall.Applied first = firewall.ensure(web);
        String table = table();
        EgressFirewall.Applied second = firewall.ensure(web);

        String chain = EgressRulePlan.chainOf(WEB);
        List<String> rules = rulesOf(chain);
        assertTrue(first.changed());
        assertFalse(second.changed());
        assertEquals(table, table(), "a second ensure leaves the table as it was");
        assertEquals(EgressRulePlan.spaceChain(web, dns).stream().map(IptablesRule::append).toList(), rules);
        assertTrue(rules.get(0).contains("--ctstate RELATED,ESTABLISHED") && rules.get(0).endsWith("-j ACCEPT"), rules.get(0));
        assertTrue(rules.contains("-A " + chain + " -d 10.231.7.2/32 -p tcp -m multiport --dports 8443 -m comment --comment \"kukeon:team:web\" -j ACCEPT"), String.join("\n", rules));
        assertEquals("-A " + chain + " -m comment --comment \"kukeon:team:web\" -j DROP", rules.get(rules.size() - 1));
        List<String> egress = rulesOf("KUKEON-EGRESS");
        assertEquals(List.of("-A KUKEON-EGRESS -i k-0000web -m comment --comment \"kukeon:team:web\" -j " + chain,
                "-A KUKEON-EGRESS -i k-+ -m comment --comment \"kukeon:no-space\" -j DROP"), egress);
    }

    @Test
    void aChangedPolicyAndBridgeReplaceTheOldRulesAndJump() throws Exception {
        firewall.ensure(web(new EgressPolicy(EgressPolicy.Default.DENY, List.of(EgressPolicy.Target.cidr("10.231.9.0/24", 80)))));
        SpaceEgress changed = new SpaceEgress(WEB, "k-0000new", "10.231.1.0/24",
                new EgressPolicy(EgressPolicy.Default.ALLOW, List.of(EgressPolicy.Target.cidr("10.231.2.0/24"))));

        assertTrue(firewall.ensure(changed).changed());

        String chain = EgressRulePlan.chainOf(WEB);
        assertEquals(EgressRulePlan.spaceChain(changed, Map.of()).stream().map(IptablesRule::append).toList(), rulesOf(chain));
        assertFalse(table().contains("10.231.9.0/24"), "the old target is gone");
        assertEquals(List.of(EgressRulePlan.dispatch(changed).append(), EgressRulePlan.unclaimedBridgeDrop().append()),
                rulesOf("KUKEON-EGRESS"));
    }

    @Test
    void removeTakesTheChainAndItsJumpAndAnAbsentSpaceIsASuccess() throws Exception {
        firewall.ensure(web(EgressPolicy.ALLOW_ALL));
        firewall.ensure(new SpaceEgress(DB, "k-00000db", "10.231.2.0/24", EgressPolicy.ALLOW_ALL));
        assertEquals(Set.of(WEB, DB), Set.copyOf(firewall.spaces()));

        firewall.remove(WEB);
        firewall.remove(WEB);

        assertEquals(Set.of(DB), Set.copyOf(firewall.spaces()));
        assertFalse(table().contains(EgressRulePlan.chainOf(WEB)), table());
        assertTrue(table().contains(EgressRulePlan.chainOf(DB)));
    }

    @Test
    void anUnresolvedHostAllowsNothingAndIsReported() throws Exception {
        EgressFirewall.Applied applied = firewall.ensure(web(new EgressPolicy(EgressPolicy.Default.DENY,
                List.of(EgressPolicy.Target.host("gone.example.test")))));

        assertEquals(List.of("gone.example.test: no such host"), applied.unresolvedHosts());
        assertEquals(5, rulesOf(EgressRulePlan.chainOf(WEB)).size(), "the four fixed rules and the default, no target");
    }

    @Test
    void twoSpacesWhoseNamesHashAlikeAreRefusedNotMerged() throws Exception {
        ObjectPath[] pair = collidingSpaces();
        firewall.ensure(new SpaceEgress(pair[0], "k-0000one", "10.231.1.0/24", EgressPolicy.ALLOW_ALL));
        String before = table();

        EgressFailureException e = assertThrows(EgressFailureException.class,
                () -> firewall.ensure(new SpaceEgress(pair[1], "k-0000two", "10.231.2.0/24", EgressPolicy.ALLOW_ALL)));

        assertTrue(e.getMessage().contains("already belongs to space " + pair[0]), e.getMessage());
        assertEquals(before, table(), "nothing changed");
    }

    @Test
    void aRemovalARuleOfSomeoneElseBlocksIsRefusedWholeAndSaysWhy() throws Exception {
        firewall.ensure(web(EgressPolicy.ALLOW_ALL));
        String chain = EgressRulePlan.chainOf(WEB);
        netns.ok("iptables", "-w", "5", "-A", "FORWARD", "-j", chain);   // an administrator's jump into our chain
        String before = table();

        EgressFailureException e = assertThrows(EgressFailureException.class, () -> firewall.remove(WEB));

        assertTrue(e.getMessage().startsWith("iptables-restore refused the change (nothing was applied): "), e.getMessage());
        assertTrue(e.getMessage().contains("Device or resource busy") && e.getMessage().endsWith("[-X " + chain + "]"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line for the daemon's log");
        assertEquals(before, table(), "our jump is still there: nothing was applied");

        netns.ok("iptables", "-w", "5", "-D", "FORWARD", "-j", chain);
        firewall.remove(WEB);
        assertFalse(table().contains(chain));
    }

    @Test
    void aNamespaceWhereIptablesCannotRunIsOneClearLine() {
        HostCommand nowhere = new HostCommand(Path.of("/run/netns", netns.name + "-absent"), Duration.ofSeconds(10));

        EgressFailureException e = assertThrows(EgressFailureException.class,
                () -> new IptablesEgressFirewall(nowhere, resolver).ensureHooks());

        assertTrue(e.getMessage().startsWith("iptables -S failed (exit 1): nsenter: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    private static SpaceEgress web(EgressPolicy policy) {
        return new SpaceEgress(WEB, "k-0000web", "10.231.1.0/24", policy);
    }

    /** Two spaces of realm "team" whose chain names are the same (a birthday search over 32 bits). */
    private static ObjectPath[] collidingSpaces() {
        Map<String, String> seen = new HashMap<>();
        for (int i = 0; ; i++) {
            String name = "s" + i;
            String other = seen.putIfAbsent(Fnv1a32.hex("team/" + name), name);
            if (other != null) {
                return new ObjectPath[] {ObjectPath.of("team", other), ObjectPath.of("team", name)};
            }
        }
    }

    private String table() throws Exception {
        return netns.ok("iptables", "-w", "5", "-S");
    }

    private List<String> rulesOf(String chain) throws Exception {
        return netns.ok("iptables", "-w", "5", "-S", chain).lines().filter(l -> l.startsWith("-A ")).toList();
    }
}
