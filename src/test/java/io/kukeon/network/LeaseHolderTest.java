package io.kukeon.network;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A host-local lease file read after the listing of its directory: the benchmark's cascade delete
 * of 60 cells once failed a DEL with "cannot read the leases of network …: NoSuchFileException",
 * another cell's DEL having released the lease in between. A lease gone is no lease.
 */
class LeaseHolderTest {
    @TempDir
    Path ipam;

    @Test
    void aLeaseNamesItsContainerAndALeaseReleasedSinceTheListingIsNone() throws Exception {
        Path lease = ipam.resolve("10.88.0.7");
        Files.writeString(lease, "s_t_web_root\r\neth0");
        assertEquals(Optional.of("s_t_web_root"), CniSpaceNetworks.leaseHolder(lease));

        Files.delete(lease);   // what the other cell's DEL did between the listing and the read
        assertEquals(Optional.empty(), CniSpaceNetworks.leaseHolder(lease));
    }
}
