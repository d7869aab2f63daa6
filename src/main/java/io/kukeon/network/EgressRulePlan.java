package io.kukeon.network;

import io.kukeon.model.EgressPolicy;
import io.kukeon.model.ObjectPath;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The iptables rules kukeon wants, as pure functions of the spaces' egress (no host is touched).
 * Three chains of ours in the filter table, both hooked at the top of FORWARD:
 * <ul>
 *   <li>{@code KUKEON-EGRESS} judges everything that comes <em>from</em> a cell: one jump per
 *       space ({@code -i <bridge>}) into the space's {@code KUKE-EGR-<hash>} chain, which ends in a
 *       verdict; last, traffic from a {@code k-} bridge that no space claims is dropped (fail
 *       closed: a bridge whose space is gone or not yet applied reaches nothing).</li>
 *   <li>{@code KUKE-EGR-<hash>} per space, in this order: replies (RELATED,ESTABLISHED) accepted;
 *       a source outside the space's subnet dropped (no cell speaks for another space);
 *       traffic to its own bridge accepted (when br_netfilter shows bridged traffic to iptables);
 *       one ACCEPT per allowed target; anything else into another {@code k-} bridge dropped (a
 *       space is a network boundary, unless a target above allowed that space's subnet); last,
 *       the policy's default, ACCEPT or DROP. Because the isolation rule matches the other
 *       bridges by name, no chain has to list the other spaces' subnets, and adding a space
 *       changes no other space's chain.</li>
 *   <li>{@code KUKEON-FORWARD} admits what comes <em>to</em> a cell from outside the spaces, so
 *       cells keep working when FORWARD's policy is DROP (Docker sets it): replies, and
 *       connections a published port DNATed. Its rules match {@code ! -i k-+}, so the two hooks
 *       never judge the same packet and their order in FORWARD does not matter.</li>
 * </ul>
 * Traffic from a cell to the host itself (its gateway address) is INPUT, not FORWARD, and is not
 * governed by these chains.
 */
public final class EgressRulePlan {
    public static final String EGRESS_CHAIN = "KUKEON-EGRESS";
    public static final String ADMISSION_CHAIN = "KUKEON-FORWARD";
    public static final String SPACE_CHAIN_PREFIX = "KUKE-EGR-";
    /** Every bridge kukeon names ({@code k-<hash>}), as an iptables interface wildcard. */
    public static final String KUKEON_BRIDGES = SpaceNetwork.BRIDGE_PREFIX + "+";
    private static final String FORWARD = "FORWARD";

    private EgressRulePlan() {}

    /** {@code KUKE-EGR-<8 hex of FNV-1a-32("realm/space")>}. */
    public static String chainOf(ObjectPath space) {
        return SPACE_CHAIN_PREFIX + Fnv1a32.hex(space.realm() + "/" + space.name());
    }

    /** The comment on every rule of a space: {@code kukeon:<realm>:<space>}. */
    public static String commentOf(ObjectPath space) {
        return "kukeon:" + space.realm() + ":" + space.name();
    }

    /** The two jumps from FORWARD into our chains. */
    public static List<IptablesRule> hooks() {
        return List.of(new IptablesRule(FORWARD, comment("kukeon:egress") + " -j " + EGRESS_CHAIN),
                new IptablesRule(FORWARD, comment("kukeon:admission") + " -j " + ADMISSION_CHAIN));
    }

    /** The last rule of {@code KUKEON-EGRESS}: a kukeon bridge no space claims reaches nothing. */
    public static IptablesRule unclaimedBridgeDrop() {
        return new IptablesRule(EGRESS_CHAIN, "-i " + KUKEON_BRIDGES + " " + comment("kukeon:no-space") + " -j DROP");
    }

    /** The whole of {@code KUKEON-FORWARD}. */
    public static List<IptablesRule> admission() {
        String toCells = "! -i " + KUKEON_BRIDGES + " -o " + KUKEON_BRIDGES + " -m conntrack --ctstate ";
        return List.of(new IptablesRule(ADMISSION_CHAIN, toCells + "RELATED,ESTABLISHED " + comment("kukeon:admission") + " -j ACCEPT"),
                new IptablesRule(ADMISSION_CHAIN, toCells + "DNAT " + comment("kukeon:published-port") + " -j ACCEPT"));
    }

    /** The jump in {@code KUKEON-EGRESS} that sends the space's bridge to its chain. */
    public static IptablesRule dispatch(SpaceEgress egress) {
        return new IptablesRule(EGRESS_CHAIN, "-i " + egress.bridge() + " " + comment(commentOf(egress.space()))
                + " -j " + chainOf(egress.space()));
    }

    /**
     * The space's chain, in order.
     *
     * @param addressesOfHost the IPv4 addresses each allowed host resolved to; a host missing
     *                        here (it did not resolve) allows nothing
     */
    public static List<IptablesRule> spaceChain(SpaceEgress egress, Map<String, List<String>> addressesOfHost) {
        String chain = chainOf(egress.space());
        String tag = " " + comment(commentOf(egress.space()));
        Set<String> specs = new LinkedHashSet<>();
        specs.add("-m conntrack --ctstate RELATED,ESTABLISHED" + tag + " -j ACCEPT");
        specs.add("! -s " + egress.subnet() + tag + " -j DROP");
        specs.add("-o " + egress.bridge() + tag + " -j ACCEPT");
        for (EgressPolicy.Target target : egress.policy().allow()) {
            String ports = target.ports().isEmpty() ? "" : " -p tcp -m multiport --dports "
                    + target.ports().stream().map(String::valueOf).collect(Collectors.joining(","));
            for (String destination : destinations(target, addressesOfHost)) {
                // iptables prints no -d for 0.0.0.0/0: leave it out so the plan reads as the kernel's listing
                String to = destination.endsWith("/0") ? "" : "-d " + destination;
                specs.add((to + ports).trim() + tag + " -j ACCEPT");
            }
        }
        specs.add("-o " + KUKEON_BRIDGES + tag + " -j DROP");
        specs.add(tag.substring(1) + (egress.policy().defaultAction() == EgressPolicy.Default.ALLOW ? " -j ACCEPT" : " -j DROP"));
        List<IptablesRule> rules = new ArrayList<>();
        for (String spec : specs) {
            rules.add(new IptablesRule(chain, spec));
        }
        return rules;
    }

    private static List<String> destinations(EgressPolicy.Target target, Map<String, List<String>> addressesOfHost) {
        if (target.cidr() != null) {
            return List.of(target.cidr());
        }
        return addressesOfHost.getOrDefault(target.host(), List.of()).stream().map(a -> a + "/32").toList();
    }

    /** A comment match as iptables -S prints it (always quoted). */
    private static String comment(String text) {
        return "-m comment --comment \"" + text + "\"";
    }
}
