package io.kukeon.supervisor.scope;

import io.kukeon.model.GroupStatus;
import io.kukeon.model.Kind;
import io.kukeon.model.LevelState;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.ResourceExhaustedException;
import io.kukeon.model.FailedPreconditionException;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.network.SpaceNetworkSource;
import io.kukeon.model.UnavailableException;
import io.kukeon.runtime.RuntimeFailure;
import io.kukeon.supervisor.Ports;
import io.kukeon.supervisor.tree.Failures;

/**
 * The side effects of a realm, space or stack: its cgroup, for a realm its containerd namespace,
 * for a space its network. Every step is idempotent, so they are also how a level reconciles after
 * a restart or a reboot (a missing group, namespace, config or bridge is simply created again).
 */
final class ScopeProvisioning {
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
            try {
                if (noNetwork != null) {
                    throw noNetwork instanceof RuntimeException e ? e : new IllegalStateException(noNetwork);
                }
                ports.networks().ensure(path.realm(), path.name(), network);
            } catch (RuntimeException e) {
                state = LevelState.Failed;
                reason = networkFailureReason(e);
                message = Failures.describe(e);
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

    /** Removes the namespace (drained) or the network, and the cgroup. Throws if any could not be removed. */
    static void deprovision(Ports ports, ObjectPath path, ScopeSpec spec) {
        if (path.kind() == Kind.REALM) {
            ports.runtime().deleteNamespace(spec.realmSpec().namespaceOn(ports.ids(), path.name()), path.name());
        }
        if (path.kind() == Kind.SPACE) {
            ports.networks().remove(path.realm(), path.name());
        }
        ports.cgroups().delete(ports.ids().cgroup(path));
    }
}
