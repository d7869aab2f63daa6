package io.kukeon.network;

import io.kukeon.model.ObjectPath;

import java.util.List;
import java.util.Set;

/**
 * The port to the host's packet filter for the spaces' egress policies and their isolation from
 * each other. Every method blocks, is idempotent and changes only chains of kukeon's own (see
 * {@link EgressRulePlan} for what they hold); failures are {@link EgressFailureException}s.
 */
public interface EgressFirewall {

    /** Our chains exist and are hooked into FORWARD (at start-up; {@link #ensure} does it too). */
    void ensureHooks();

    /**
     * Makes the space's rules exactly those of its policy, replacing any others in one atomic
     * change: there is no moment without rules for the space, whatever was there before.
     */
    Applied ensure(SpaceEgress space);

    /** The space's chain and its jump are gone; a space without them is a success. */
    void remove(ObjectPath space);

    /** The spaces that have a chain, so recovery can remove those of spaces that no longer exist. */
    Set<ObjectPath> spaces();

    /**
     * What {@link #ensure} did.
     *
     * @param chain           the space's chain
     * @param changed         false when the rules were already exactly those wanted
     * @param unresolvedHosts the allowed hosts that did not resolve (each "host: why", as the resolver said): they allow nothing until the next ensure
     */
    record Applied(String chain, boolean changed, List<String> unresolvedHosts) {
        public Applied {
            unresolvedHosts = List.copyOf(unresolvedHosts);
        }
    }
}
