package io.kukeon.network;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MasqueradeRulesTest {
    /** As iptables-nft 1.8.9 lists them (seen in the storm's namespace); other rules are not ours. */
    @Test
    void theBridgePluginsRulesAreReadFromTheListingAndNothingElse() {
        String listing = """
                -P POSTROUTING ACCEPT
                -A POSTROUTING -s 10.88.0.2/32 -m comment --comment "name: \\"r0-w0b\\" id: \\"w0b_t2_c3_root\\"" -j CNI-85bc61e0237bd57ae7618cce
                -A POSTROUTING -s 10.88.0.0/24 -j MASQUERADE
                -A POSTROUTING -s 10.88.0.4/32 -m comment --comment "name: \\"r0-w0b\\" id: \\"w0b_t2_c3_root\\"" -j CNI-85bc61e0237bd57ae7618cce
                """;
        List<MasqueradeRules.Rule> rules = MasqueradeRules.parse(listing);
        assertEquals(List.of(
                new MasqueradeRules.Rule("10.88.0.2/32", "r0-w0b", "w0b_t2_c3_root", "CNI-85bc61e0237bd57ae7618cce"),
                new MasqueradeRules.Rule("10.88.0.4/32", "r0-w0b", "w0b_t2_c3_root", "CNI-85bc61e0237bd57ae7618cce")), rules);
        assertEquals("10.88.0.4", rules.get(1).address());
    }
}
