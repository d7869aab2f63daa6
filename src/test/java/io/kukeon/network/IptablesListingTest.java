package io.kukeon.network;

import io.kukeon.model.ObjectPath;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class IptablesListingTest {
    @Test
    void aChainsOwnerIsReadFromItsRulesCommentWhateverTheNamesHold() {
        IptablesListing listing = IptablesListing.parse("""
                -P FORWARD ACCEPT
                -N KUKEON-EG-1
                -N KUKEON-EG-2
                -A KUKEON-EG-1 -m comment --comment "kukeon:Team.a:Shop.EU" -j RETURN
                -A KUKEON-EG-2 -j RETURN
                """);
        assertEquals(ObjectPath.of("Team.a", "Shop.EU"), listing.ownerOf("KUKEON-EG-1"));
        assertNull(listing.ownerOf("KUKEON-EG-2"));
    }
}
