package io.kukeon.supervisor.scope;

import io.kukeon.model.EgressPolicy;
import io.kukeon.model.GroupStatus;
import io.kukeon.model.Kind;
import io.kukeon.model.LevelState;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.ResourceExhaustedException;
import io.kukeon.model.FailedPreconditionException;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.UnavailableException;
import io.kukeon.network.EgressFailureException;
import io.kukeon.network.Ipv4Subnet;
import io.kukeon.network.NetworkConfigList;
import io.kukeon.network.SpaceEgress;
import io.kukeon.network.SpaceNetworkSource;
import io.kukeon.network.UserNetwork;
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
     * @param network    where a space's network comes from, as the host claimed it (null for a realm or a stack)
     * @param noNetwork  why the host gave the space none, or its user's file could not be read (null when it did)
     */
    static Result provision(Ports ports, ObjectPath path, ScopeSpec spec, boolean heldBefore, SpaceNetworkSource network,
                            Throwable noNetwork) {
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
            Result space = provisionSpace(ports, path, spec, network, noNetwork);
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

    /** Why a space has no network: no /24 left, a clash with another space's, a user's file that breaks a rule, or the plugins failed. */
    private static String networkFailureReason(RuntimeException e) {
        if (e instanceof ResourceExhaustedException) {
            return "PodSubnetExhausted";
        }
        if (e instanceof FailedPreconditionException f) {
            return f.kind();
        }
        return e instanceof InvalidArgumentException ? "InvalidNetworkFile" : "NetworkFailed";
    }

    /** A space's network, then its egress chain; null when both are as they should be and there is nothing to say. */
    private static Result provisionSpace(Ports ports, ObjectPath path, ScopeSpec spec, SpaceNetworkSource source,
                                         Throwable noNetwork) {
        NetworkConfigList network;
        try {
            if (noNetwork != null) {
                throw noNetwork instanceof RuntimeException e ? e : new IllegalStateException(noNetwork);
            }
            network = ports.networks().ensure(path.realm(), path.name(), source);
        } catch (RuntimeException e) {
            return new Result(null, null, LevelState.Failed, networkFailureReason(e), Failures.describe(e));
        }
        List<String> unresolved;
        try {
            unresolved = ensureEgress(ports, path, source, network, spec.egress());
        } catch (RuntimeException e) {
            return new Result(null, null, LevelState.Failed, "EgressFailed", Failures.describe(e));
        }
        // Ready all the same: the other rules hold, and the names are looked up again at the next ensure
        return unresolved.isEmpty() ? null : new Result(null, null, LevelState.Ready, EGRESS_HOST_UNRESOLVED,
                "egress: allowed hosts that did not resolve allow nothing for now: " + String.join("; ", unresolved));
    }

    /**
     * The space's egress chain made to match its policy; returns the allowed hosts that did not
     * resolve. A user's network without a bridge plugin or a host-local subnet has no interface or
     * range a chain could hold to: it may only allow everything (and then has no chain).
     */
    private static List<String> ensureEgress(Ports ports, ObjectPath path, SpaceNetworkSource source,
                                             NetworkConfigList network, EgressPolicy policy) {
        String bridge = network.bridgeName();
        Ipv4Subnet subnet = source.subnet();
        if (source.fromFile()) {
            UserNetwork user = UserNetwork.of(source.file(), network);
            bridge = user.bridge();
            subnet = user.subnet();
        }
        if (bridge == null || subnet == null) {
            if (!policy.equals(EgressPolicy.ALLOW_ALL)) {
                throw new EgressFailureException("network " + network.name() + " has " + (bridge == null
                        ? "no bridge plugin" : "no host-local IPv4 subnet") + ": its egress policy has nothing to hold to");
            }
            ports.egress().remove(path);
            return List.of();
        }
        return ports.egress().ensure(new SpaceEgress(path, bridge, subnet.toString(), policy)).unresolvedHosts();
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
