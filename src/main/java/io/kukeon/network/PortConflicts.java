package io.kukeon.network;

import io.kukeon.model.FailedPreconditionException;
import io.kukeon.model.InvalidArgumentException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Refuses a host port that would take another publication's packets: the same protocol and host
 * port on host addresses in common ({@code 0.0.0.0} has every address in common with any other).
 * A pure function; the caller keeps the host's index of published ports.
 */
public final class PortConflicts {
    /** The failure's kind when another cell holds the port. */
    public static final String HOST_PORT_IN_USE = "HostPortInUse";

    private PortConflicts() {}

    /**
     * @param wanted    every port the cell being applied publishes (all its containers)
     * @param published the ports the other cells of the host publish (not this cell's former ones)
     * @throws InvalidArgumentException     two entries of {@code wanted} overlap
     * @throws FailedPreconditionException  (kind {@link #HOST_PORT_IN_USE}) an entry overlaps another cell's
     */
    public static void check(List<PortClaim> wanted, Collection<PortClaim> published) {
        Map<String, List<PortClaim>> seen = new HashMap<>();
        for (PortClaim claim : wanted) {
            for (PortClaim earlier : seen.getOrDefault(key(claim.port()), List.of())) {
                if (claim.port().overlaps(earlier.port())) {
                    throw new InvalidArgumentException(claim.field(), "host port " + describe(claim.port())
                            + " is already published by " + earlier.field() + " of this cell");
                }
            }
            seen.computeIfAbsent(key(claim.port()), k -> new ArrayList<>()).add(claim);
        }
        for (PortClaim other : published) {
            for (PortClaim claim : seen.getOrDefault(key(other.port()), List.of())) {
                if (claim.port().overlaps(other.port())) {
                    throw new FailedPreconditionException(HOST_PORT_IN_USE, claim.field() + ": host port "
                            + describe(claim.port()) + " is already published by cell " + other.cell()
                            + " (" + other.field() + ": " + other.port() + ")");
                }
            }
        }
    }

    private static String key(PublishedPort port) {
        return port.protocol() + "/" + port.hostPort();
    }

    private static String describe(PublishedPort port) {
        return port.hostPort() + "/" + port.protocol().wireName() + " on " + port.hostIp();
    }
}
