package io.kukeon.testing;

import io.kukeon.model.ObjectPath;
import io.kukeon.network.EgressFailureException;
import io.kukeon.network.EgressFirewall;
import io.kukeon.network.EgressRulePlan;
import io.kukeon.network.SpaceEgress;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An in-memory packet filter: which spaces have rules, from which {@link SpaceEgress}, and
 * whether the hooks are in place. Host names can be made unresolvable. A failure can be armed for the next call, as iptables
 * refusing a change; {@link #wipe()} is a reboot.
 */
public final class FakeEgressFirewall implements EgressFirewall {
    private final Map<String, SpaceEgress> spaces = new TreeMap<>();
    private final Set<String> unresolvable = new TreeSet<>();
    private boolean hooked;
    private String nextFailure;
    private int changes;

    /** The egress applied to each space ({@code realm/space} → what ensure was given). */
    public synchronized Map<String, SpaceEgress> applied() {
        return Map.copyOf(spaces);
    }

    public synchronized boolean hooked() {
        return hooked;
    }

    /** How many ensure/remove calls changed something. */
    public synchronized int changes() {
        return changes;
    }

    /** From now on this host name does not resolve: an ensure reports it, as the system resolver would. */
    public synchronized void unresolvable(String host) {
        unresolvable.add(host);
    }

    /** The next call fails with this message, changing nothing. */
    public synchronized void failNext(String message) {
        nextFailure = message;
    }

    /** As after a reboot: no rules, no hooks. */
    public synchronized void wipe() {
        spaces.clear();
        hooked = false;
    }

    @Override
    public synchronized void ensureHooks() {
        failIfArmed();
        hooked = true;
    }

    @Override
    public synchronized Applied ensure(SpaceEgress space) {
        failIfArmed();
        hooked = true;
        boolean changed = !space.equals(spaces.put(space.space().toString(), space));
        if (changed) {
            changes++;
        }
        List<String> unresolved = space.policy().allow().stream().map(t -> t.host())
                .filter(h -> h != null && unresolvable.contains(h)).map(h -> h + ": Name or service not known").toList();
        return new Applied(EgressRulePlan.chainOf(space.space()), changed, unresolved);
    }

    @Override
    public synchronized void remove(ObjectPath space) {
        failIfArmed();
        if (spaces.remove(space.toString()) != null) {
            changes++;
        }
    }

    @Override
    public synchronized Set<ObjectPath> spaces() {
        failIfArmed();
        Set<ObjectPath> out = new TreeSet<>((a, b) -> a.toString().compareTo(b.toString()));
        spaces.keySet().forEach(k -> out.add(ObjectPath.parse(k)));
        return out;
    }

    private void failIfArmed() {
        if (nextFailure != null) {
            String message = nextFailure;
            nextFailure = null;
            throw new EgressFailureException(message);
        }
    }
}
