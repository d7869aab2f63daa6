package io.kukeon.supervisor.scope;

import io.kukeon.model.EgressPolicy;
import io.kukeon.model.GroupStatus;
import io.kukeon.model.Kind;
import io.kukeon.model.LevelState;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.ResourceExhaustedException;
import io.kukeon.model.UnavailableException;
import io.kukeon.network.EgressFailureException;
import io.kukeon.network.Ipv4Subnet;
import io.kukeon.network.NetworkConfigList;
import io.kukeon.network.SpaceEgress;
import io.kukeon.runtime.RuntimeFailure;
import io.kukeon.supervisor.Ports;
import io.kukeon.supervisor.tree.Failures;

import java.util.List;

/**
 * The side effects of a realm, space or stack: its cgroup, for a realm its containerd namespace,
 * for a space its network and its egress rules. Every step is idempotent, so they are also how a
 * level reconciles after a restart or a reboot (a missing group, namespace, config or bridge is simply created again).
 */
final class ScopeProvisioning {
    /** A Ready space's reason when an allowed host of its egress policy did not resolve. */
    static final String EGRESS_HOST_UNRESOLVED = "EgressHostUnresolved";

    private ScopeProvisioning() {}

    /** What provisioning found; never throws (a failure is a state with a reason). */
    record Result(GroupStatus cgroup, Boolean namespaceReady, LevelState state, String reason, String message) {}

    /**
     * @param heldBefore the realm was Ready once, so an unlabelled namespace is one it made before labels existed
     * @param subnet     a space's {@code /24} as the host claimed it (null for a realm or a stack)
     * @param noSubnet   why the host gave the space none (null when it did)
     */
    static Result provision(Ports ports, ObjectPath path, ScopeSpec spec, boolean heldBefore, String subnet,
                            Throwable noSubnet) {
        Boolean namespaceReady = null;
        String reason = null;
        String message = null;
        LevelState state = LevelState.Ready;
        if (path.kind() == Kind.REALM) {
            String namespace = spec.realmSpec().namespaceOn(ports.ids(), path.name());
            try {
                ports.runtime().ensureNamespace(namespace, path.name(), heldBefore);
                namespaceReady = true;
            } catch (UnavailableException e) {
                namespaceReady = false;
                state = LevelState.Unknown;
                reason = e.kind();
                message = e.getMessage();
            } catch (RuntimeException e) {
                namespaceReady = false;
                state = LevelState.Failed;
                reason = e instanceof RuntimeFailure f && f.kind().equals(RuntimeFailure.NAMESPACE_NOT_OURS)
                        ? f.kind() : "NamespaceFailed";
                message = Failures.describe(e);
            }
        }
        if (path.kind() == Kind.SPACE) {
            Result space = provisionSpace(ports, path, spec, subnet, noSubnet);
            if (space != null) {
                state = space.state();
                reason = space.reason();
                message = space.message();
            }
        }
        String cgroupPath = ports.ids().cgroup(path).toString();
        GroupStatus cgroup;
        try {
            cgroup = ports.cgroups().ensure(ports.ids().cgroup(path), spec.resources());
        } catch (RuntimeException e) {
            cgroup = GroupStatus.missing(cgroupPath);
            state = LevelState.Failed;
            reason = "CgroupFailed";
            message = Failures.describe(e);
        }
        return new Result(cgroup, namespaceReady, state, reason, message);
    }

    /** A space's network, then its egress chain; null when both are as they should be and there is nothing to say. */
    private static Result provisionSpace(Ports ports, ObjectPath path, ScopeSpec spec, String subnet, Throwable noSubnet) {
        NetworkConfigList network;
        try {
            if (noSubnet != null) {
                throw noSubnet instanceof RuntimeException e ? e : new IllegalStateException(noSubnet);
            }
            network = ports.networks().ensure(path.realm(), path.name(), Ipv4Subnet.parse(subnet, "subnet"));
        } catch (RuntimeException e) {
            return new Result(null, null, LevelState.Failed,
                    e instanceof ResourceExhaustedException ? "PodSubnetExhausted" : "NetworkFailed", Failures.describe(e));
        }
        List<String> unresolved;
        try {
            unresolved = ensureEgress(ports, path, network, subnet, spec.egress());
        } catch (RuntimeException e) {
            return new Result(null, null, LevelState.Failed, "EgressFailed", Failures.describe(e));
        }
        // Ready all the same: the other rules hold, and the names are looked up again at the next ensure
        return unresolved.isEmpty() ? null : new Result(null, null, LevelState.Ready, EGRESS_HOST_UNRESOLVED,
                "egress: allowed hosts that did not resolve allow nothing for now: " + String.join("; ", unresolved));
    }

    /** The space's egress chain made to match its policy; returns the allowed hosts that did not resolve. */
    private static List<String> ensureEgress(Ports ports, ObjectPath path, NetworkConfigList network, String subnet,
                                             EgressPolicy policy) {
        String bridge = network.bridgeName();
        if (bridge == null) {
            throw new EgressFailureException("network " + network.name() + " has no bridge plugin: its egress policy has no interface to hold to");
        }
        return ports.egress().ensure(new SpaceEgress(path, bridge, subnet, policy)).unresolvedHosts();
    }

    /** Removes the namespace (drained) or the space's egress chain and network, and the cgroup. Throws if any could not be removed. */
    static void deprovision(Ports ports, ObjectPath path, ScopeSpec spec) {
        if (path.kind() == Kind.REALM) {
            ports.runtime().deleteNamespace(spec.realmSpec().namespaceOn(ports.ids(), path.name()), path.name());
        }
        if (path.kind() == Kind.SPACE) {
            ports.egress().remove(path);   // before the bridge: its cells are never without their rules
            ports.networks().remove(path.realm(), path.name());
        }
        ports.cgroups().delete(ports.ids().cgroup(path));
    }
}
