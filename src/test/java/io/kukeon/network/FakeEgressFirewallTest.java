package io.kukeon.network;

import io.kukeon.testing.FakeEgressFirewall;

/** The fake keeps the port's contract. */
class FakeEgressFirewallTest extends EgressFirewallContract {
    @Override
    EgressFirewall firewall() {
        return new FakeEgressFirewall();
    }
}
