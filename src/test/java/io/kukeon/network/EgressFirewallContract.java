package io.kukeon.network;

import io.kukeon.model.EgressPolicy;
import io.kukeon.model.ObjectPath;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every {@link EgressFirewall} does, so that the fake the actor tests use behaves as iptables does. */
abstract class EgressFirewallContract {
    private static final ObjectPath WEB = ObjectPath.of("team", "web");
    private static final ObjectPath DB = ObjectPath.of("team", "db");

    /** The firewall under test, empty. */
    abstract EgressFirewall firewall() throws Exception;

    @Test
    void ensureChangesOnlyWhatDiffers() throws Exception {
        EgressFirewall firewall = firewall();
        firewall.ensureHooks();
        SpaceEgress deny = new SpaceEgress(WEB, "k-0000web", "10.231.1.0/24",
                new EgressPolicy(EgressPolicy.Default.DENY, List.of(EgressPolicy.Target.cidr("10.231.9.0/24", 80))));

        assertTrue(firewall.ensure(deny).changed());
        assertFalse(firewall.ensure(deny).changed());
        assertTrue(firewall.ensure(new SpaceEgress(WEB, "k-0000web", "10.231.1.0/24", EgressPolicy.ALLOW_ALL)).changed());
        assertEquals(EgressRulePlan.chainOf(WEB), firewall.ensure(deny).chain());
    }

    @Test
    void spacesListsWhatWasEnsuredAndNotWhatWasRemoved() throws Exception {
        EgressFirewall firewall = firewall();
        firewall.ensure(new SpaceEgress(WEB, "k-0000web", "10.231.1.0/24", EgressPolicy.ALLOW_ALL));
        firewall.ensure(new SpaceEgress(DB, "k-00000db", "10.231.2.0/24", EgressPolicy.ALLOW_ALL));

        firewall.remove(WEB);
        firewall.remove(WEB);
        firewall.remove(ObjectPath.of("team", "never"));

        assertEquals(Set.of(DB), Set.copyOf(firewall.spaces()));
    }
}
