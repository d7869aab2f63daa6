package io.kukeon.cgroup;

import io.kukeon.model.CgroupPath;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * cgroup v2 delegation: a controller limits a group only when every ancestor, from the mount root down
 * to the group's parent, lists it in {@code cgroup.subtree_control}. We add the ones we need (those the
 * parent offers) and never remove any.
 */
final class SubtreeDelegation {
    /** What every level gets, when the host offers it; cpuset only where a group asks for cpus or mems. */
    static final Set<String> ALWAYS = Set.of("cpu", "io", "memory", "pids");

    /**
     * @param available the controllers enabled for the group (its parent's {@code subtree_control})
     * @param missing   why each wanted controller is not among them
     */
    record Result(Set<String> available, Map<String, String> missing) {}

    private SubtreeDelegation() {}

    static Result delegate(ConfinedHierarchy h, CgroupPath group, Set<String> wanted) {
        Map<String, String> missing = new LinkedHashMap<>();
        // a child's cgroup.controllers is its parent's subtree_control, so one walk down tells both
        Set<String> offered = parse(h.readMountFile("cgroup.controllers"));
        for (String c : new TreeSet<>(wanted)) {
            if (!offered.contains(c)) {
                missing.put(c, "the cgroup2 root " + h.mount() + " offers no " + c + " controller (it offers: "
                        + (offered.isEmpty() ? "none" : String.join(" ", offered)) + ")");
            }
        }
        List<CgroupPath> parents = new ArrayList<>();
        parents.add(null); // the mount root
        for (CgroupPath p = group.parent(); p != null; p = p.parent()) {
            parents.add(1, p);
        }
        for (CgroupPath parent : parents) {
            Set<String> enabled = parse(h.read(parent, "cgroup.subtree_control"));
            Set<String> add = new TreeSet<>(wanted);
            add.retainAll(offered);
            add.removeAll(enabled);
            if (!add.isEmpty()) {
                enabled.addAll(enable(h, parent, enabled, add, missing));
            }
            for (String c : wanted) {
                if (offered.contains(c) && !enabled.contains(c)) {
                    missing.putIfAbsent(c, c + " is not enabled in " + where(h, parent) + "/cgroup.subtree_control");
                }
            }
            offered = enabled;
        }
        return new Result(offered, missing);
    }

    /** Enables {@code add}; returns those the kernel accepted and records why the others failed. */
    private static Set<String> enable(ConfinedHierarchy h, CgroupPath parent, Set<String> enabled, Set<String> add,
                                      Map<String, String> missing) {
        // restating the enabled ones is a no-op to the kernel and keeps a stand-in file complete
        Set<String> all = new TreeSet<>(enabled);
        all.addAll(add);
        try {
            h.write(parent, "cgroup.subtree_control", plusList(all));
            return add;
        } catch (IOException together) {
            // one refusal fails the whole write: try one by one to learn which controller and why
            Set<String> accepted = new TreeSet<>();
            for (String c : add) {
                try {
                    h.write(parent, "cgroup.subtree_control", "+" + c);
                    accepted.add(c);
                } catch (IOException e) {
                    missing.put(c, "enabling " + c + " in " + where(h, parent) + "/cgroup.subtree_control failed: "
                            + ConfinedHierarchy.reason(e)
                            + (ConfinedHierarchy.reason(e).contains("busy") ? " (the group has processes of its own)" : ""));
                }
            }
            return accepted;
        }
    }

    private static String where(ConfinedHierarchy h, CgroupPath parent) {
        return parent == null ? h.mount().toString() : h.mount().resolve(parent.relative()).toString();
    }

    private static String plusList(Set<String> controllers) {
        return String.join(" ", controllers.stream().map(c -> "+" + c).toList());
    }

    /** A controller list as the kernel prints it ("cpu io memory"); a stand-in's "+cpu +io" reads the same. */
    static Set<String> parse(String content) {
        Set<String> out = new TreeSet<>();
        if (content != null) {
            Arrays.stream(content.trim().split("\\s+")).filter(s -> !s.isEmpty())
                    .map(s -> s.startsWith("+") ? s.substring(1) : s).forEach(out::add);
        }
        return out;
    }
}
