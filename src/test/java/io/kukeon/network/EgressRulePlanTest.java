package io.kukeon.network;

import io.kukeon.model.EgressPolicy;
import io.kukeon.model.ObjectPath;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EgressRulePlanTest {
    private static final ObjectPath SPACE = ObjectPath.of("prod", "web");
    private static final String TAG = "-m comment --comment \"kukeon:prod:web\"";

    @Test
    void fnv1a32MatchesTheReferenceVectors() {
        assertEquals("811c9dc5", Fnv1a32.hex(""));
        assertEquals("e40c292c", Fnv1a32.hex("a"));
        assertEquals("bf9cf968", Fnv1a32.hex("foobar"));
        assertEquals("KUKE-EGR-" + Fnv1a32.hex("prod/web"), EgressRulePlan.chainOf(SPACE));
    }

    @Test
    void denyAcceptsRepliesFirstThenItsTargetsThenIsolatesAndDropsLast() {
        SpaceEgress egress = new SpaceEgress(SPACE, "k-1a2b3c4d", "10.88.4.0/24", new EgressPolicy(EgressPolicy.Default.DENY, List.of(
                EgressPolicy.Target.cidr("10.0.0.0/8", 80, 443),
                EgressPolicy.Target.host("api.example.com", 8443),
                EgressPolicy.Target.cidr("0.0.0.0/0", 53))));

        List<String> specs = specs(EgressRulePlan.spaceChain(egress, Map.of("api.example.com", List.of("192.0.2.1", "192.0.2.2"))));

        assertEquals(List.of(
                "-m conntrack --ctstate RELATED,ESTABLISHED " + TAG + " -j ACCEPT",
                "! -s 10.88.4.0/24 " + TAG + " -j DROP",
                "-o k-1a2b3c4d " + TAG + " -j ACCEPT",
                "-d 10.0.0.0/8 -p tcp -m multiport --dports 80,443 " + TAG + " -j ACCEPT",
                "-d 192.0.2.1/32 -p tcp -m multiport --dports 8443 " + TAG + " -j ACCEPT",
                "-d 192.0.2.2/32 -p tcp -m multiport --dports 8443 " + TAG + " -j ACCEPT",
                "-p tcp -m multiport --dports 53 " + TAG + " -j ACCEPT",
                "-o k-+ " + TAG + " -j DROP",
                TAG + " -j DROP"), specs);
    }

    @Test
    void allowWithoutTargetsStillStopsAtOtherSpaces() {
        SpaceEgress egress = new SpaceEgress(SPACE, "k-1a2b3c4d", "10.88.4.0/24", EgressPolicy.ALLOW_ALL);

        List<String> specs = specs(EgressRulePlan.spaceChain(egress, Map.of()));

        assertEquals(List.of(
                "-m conntrack --ctstate RELATED,ESTABLISHED " + TAG + " -j ACCEPT",
                "! -s 10.88.4.0/24 " + TAG + " -j DROP",
                "-o k-1a2b3c4d " + TAG + " -j ACCEPT",
                "-o k-+ " + TAG + " -j DROP",
                TAG + " -j ACCEPT"), specs);
    }

    @Test
    void anotherSpacesSubnetIsReachedOnlyThroughATargetAboveTheIsolationRule() {
        SpaceEgress egress = new SpaceEgress(SPACE, "k-1a2b3c4d", "10.88.4.0/24", new EgressPolicy(EgressPolicy.Default.ALLOW,
                List.of(EgressPolicy.Target.cidr("10.88.5.0/24", 5432))));

        List<String> specs = specs(EgressRulePlan.spaceChain(egress, Map.of()));

        assertEquals(List.of("-d 10.88.5.0/24 -p tcp -m multiport --dports 5432 " + TAG + " -j ACCEPT", "-o k-+ " + TAG + " -j DROP"),
                specs.subList(3, 5));
    }

    @Test
    void anUnresolvedHostAndARepeatedTargetAddNoRule() {
        SpaceEgress egress = new SpaceEgress(SPACE, "k-1a2b3c4d", "10.88.4.0/24", new EgressPolicy(EgressPolicy.Default.DENY, List.of(
                EgressPolicy.Target.host("gone.example"), EgressPolicy.Target.cidr("10.1.0.0/16"), EgressPolicy.Target.cidr("10.1.0.0/16"))));

        List<String> specs = specs(EgressRulePlan.spaceChain(egress, Map.of()));

        assertEquals(6, specs.size(), String.join("\n", specs));
        assertEquals("-d 10.1.0.0/16 " + TAG + " -j ACCEPT", specs.get(3));
    }

    @Test
    void theDispatchAndAdmissionRulesNameTheirBridges() {
        SpaceEgress egress = new SpaceEgress(SPACE, "k-1a2b3c4d", "10.88.4.0/24", EgressPolicy.ALLOW_ALL);

        assertEquals("-A KUKEON-EGRESS -i k-1a2b3c4d " + TAG + " -j " + EgressRulePlan.chainOf(SPACE),
                EgressRulePlan.dispatch(egress).append());
        assertEquals(List.of(
                "-A KUKEON-FORWARD ! -i k-+ -o k-+ -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment \"kukeon:admission\" -j ACCEPT",
                "-A KUKEON-FORWARD ! -i k-+ -o k-+ -m conntrack --ctstate DNAT -m comment --comment \"kukeon:published-port\" -j ACCEPT"),
                EgressRulePlan.admission().stream().map(IptablesRule::append).toList());
    }

    private static List<String> specs(List<IptablesRule> rules) {
        return rules.stream().map(IptablesRule::spec).toList();
    }
}
