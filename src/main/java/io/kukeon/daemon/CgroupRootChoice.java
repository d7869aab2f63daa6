package io.kukeon.daemon;

import io.kukeon.model.HostIds;

/**
 * The cgroup root of {@code cgroup-root = auto}, taken when a data dir is first used: under systemd, a
 * group in the subtree the service was delegated ({@code Delegate=yes} in {@code kukeond.service}), so
 * its containers are the service's as systemd accounts and stops it; elsewhere {@code kukeon} at the top.
 *
 * @param root where our groups go, below the mountpoint
 * @param why  the reason, for the one log line that tells the choice
 */
record CgroupRootChoice(String root, String why) {
    /** The setting that asks for this choice. */
    static final String AUTO = "auto";
    /** Ours inside the service's subtree, beside the subgroup systemd 254+ may put kukeond in. */
    static final String IN_SERVICE = "kukeon";

    /**
     * @param procSelfCgroup {@code /proc/self/cgroup}
     * @param invocationId   {@code $INVOCATION_ID}, which systemd gives every process of a service; null without one
     * @param pureV2         the host mounts only cgroup v2 (no v1 controller hierarchy)
     */
    static CgroupRootChoice of(String procSelfCgroup, String invocationId, boolean pureV2) {
        if (invocationId == null || invocationId.isBlank()) {
            return top("kukeond does not run as a systemd service");
        }
        String own = trackingGroup(procSelfCgroup);
        if (own == null) {
            return top("/proc/self/cgroup names no group systemd tracks kukeond in");
        }
        String service;
        boolean inSubgroup;
        int slash = own.lastIndexOf('/');
        if (own.endsWith(".service")) {
            service = own;
            inSubgroup = false;
        } else if (slash > 0 && own.substring(0, slash).endsWith(".service")) {
            service = own.substring(0, slash);
            inSubgroup = true;
        } else {
            return top("kukeond's group " + own + " is not a service's");
        }
        if (pureV2 && !inSubgroup) {
            // the kernel refuses a process into a v2 group that enables controllers for its children (EBUSY):
            // a restarted kukeond could not rejoin a service group that holds our containers' groups
            return top("kukeond runs in " + service + " itself, not in a subgroup of it (systemd 254's"
                    + " DelegateSubgroup=), and on cgroup v2 a restarted kukeond could not rejoin that group"
                    + " once its containers' groups are below it");
        }
        String root = service.substring(1) + "/" + IN_SERVICE;
        if (!HostIds.isRootPath(root)) {
            return top("the service's group " + service + " has a name kukeond does not use in cgroup paths");
        }
        return new CgroupRootChoice(root, "the subtree systemd delegates to " + service.substring(service.lastIndexOf('/') + 1));
    }

    private static CgroupRootChoice top(String why) {
        return new CgroupRootChoice(HostIds.DEFAULT_CGROUP_ROOT, why);
    }

    /** The group of the unified hierarchy ({@code 0::}), else of systemd's own v1 one ({@code name=systemd}); null at the top. */
    private static String trackingGroup(String procSelfCgroup) {
        String named = null;
        for (String line : procSelfCgroup.split("\n")) {
            String[] f = line.split(":", 3);
            if (f.length < 3 || f[2].equals("/") || !f[2].startsWith("/")) {
                continue;
            }
            if (f[0].equals("0") && f[1].isEmpty()) {
                return f[2];
            }
            if (f[1].equals("name=systemd")) {
                named = f[2];
            }
        }
        return named;
    }
}
