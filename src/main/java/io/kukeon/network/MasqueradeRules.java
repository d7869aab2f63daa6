package io.kukeon.network;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The NAT rules the {@code bridge} plugin's {@code ipMasq} makes for one attachment: a
 * {@code POSTROUTING} rule per address, commented {@code name: "<network>" id: "<container>"},
 * jumping to a chain of the attachment's own. The plugin removes them at DEL only when it is given
 * the namespace (it reads the addresses off the interface there); a DEL after the root is gone,
 * or one of an ADD a crash interrupted, leaves them, and the next ADD of that container adds a
 * second rule to the same chain, which then cannot be deleted ("Device or resource busy"). These
 * are removed here: every rule of the attachment whose address it no longer holds, and its chain
 * when none is left. Only rules with that exact comment are touched.
 * <p>
 * Before an attach this needs a listing only when the attachment may have rules: those listed at
 * this kukeond's first attach (what an earlier one left, also through a crash), and those attached
 * since and not detached cleanly. A fresh attachment, or one detached cleanly, has none, so its
 * start runs no iptables.
 */
final class MasqueradeRules {
    private static final Pattern RULE = Pattern.compile(
            "^-A POSTROUTING -s (\\S+) -m comment --comment \"name: \\\\\"(.+?)\\\\\" id: \\\\\"(.+?)\\\\\"\" -j (CNI-[0-9a-f]+)$");

    private final HostCommand host;
    /** The attachments that may have rules; null until the first attach has listed them. */
    private Set<Owner> mayHaveRules;

    MasqueradeRules(HostCommand host) {
        this.host = host;
    }

    /** Whose rules: the network and the container of an attachment, as the rules' comment names them. */
    private record Owner(String network, String containerId) {}

    /** One rule as {@code iptables -S} shows it. */
    record Rule(String source, String network, String containerId, String chain) {
        /** The address of its {@code -s}, without the prefix length. */
        String address() {
            int slash = source.indexOf('/');
            return slash < 0 ? source : source.substring(0, slash);
        }
    }

    /** The rules of {@code iptables -t nat -S POSTROUTING} output made for an attachment. */
    static List<Rule> parse(String listing) {
        List<Rule> rules = new ArrayList<>();
        for (String line : listing.split("\n")) {
            Matcher m = RULE.matcher(line.strip());
            if (m.matches()) {
                rules.add(new Rule(m.group(1), m.group(2), m.group(3), m.group(4)));
            }
        }
        return rules;
    }

    /**
     * Before an ADD of the attachment: its rules of addresses not in {@code kept} go, when it may
     * have any. It counts as having rules from here until {@link #removeAll} after its DEL.
     *
     * @param kept the addresses the container holds, read only when a listing is needed
     * @throws CniFailure when iptables cannot list or change them
     */
    void removeStaleBeforeAttach(String network, String containerId, Supplier<Set<String>> kept) {
        boolean mayHave;
        synchronized (this) {
            if (mayHaveRules == null) {   // once per kukeond; other attaches wait for it, so none can add a rule meanwhile
                Set<Owner> listed = new HashSet<>();
                try {
                    parse(iptables("-S", "POSTROUTING").stdout()).forEach(r -> listed.add(new Owner(r.network(), r.containerId())));
                } catch (IOException e) {
                    throw new CniFailure("bridge", null, "cannot read the masquerade rules: " + e.getMessage(), e);
                }
                mayHaveRules = listed;
            }
            mayHave = !mayHaveRules.add(new Owner(network, containerId));
        }
        if (mayHave) {
            removeExcept(network, containerId, kept.get());
        }
    }

    /**
     * After a DEL: every rule of the attachment goes, and its chain (a DEL without the namespace
     * leaves them). Once this succeeded, the attachment has no rules.
     *
     * @throws CniFailure when iptables cannot list or change them
     */
    void removeAll(String network, String containerId) {
        removeExcept(network, containerId, Set.of());
        synchronized (this) {
            if (mayHaveRules != null) {
                mayHaveRules.remove(new Owner(network, containerId));
            }
        }
    }

    /**
     * Removes the attachment's rules for addresses not in {@code kept}, and its chain when no rule
     * of it is left.
     *
     * @throws CniFailure when iptables cannot list or change them
     */
    void removeExcept(String network, String containerId, Set<String> kept) {
        try {
            List<Rule> ours = parse(iptables("-S", "POSTROUTING").stdout()).stream()
                    .filter(r -> r.network().equals(network) && r.containerId().equals(containerId)).toList();
            Set<String> chains = new TreeSet<>();
            boolean anyKept = false;
            for (Rule r : ours) {
                if (kept.contains(r.address())) {
                    anyKept = true;
                    continue;
                }
                chains.add(r.chain());
                HostCommand.Result deleted = iptables("-D", "POSTROUTING", "-s", r.source(), "-m", "comment", "--comment",
                        "name: \"" + network + "\" id: \"" + containerId + "\"", "-j", r.chain());
                if (!deleted.succeeded()) {
                    throw new CniFailure("bridge", null, "cannot remove the masquerade rule of " + containerId + " for "
                            + r.source() + ": " + HostCommand.oneLine(deleted.stderr()));
                }
            }
            if (!anyKept) {
                for (String chain : chains) {
                    iptables("-F", chain);
                    iptables("-X", chain);   // a chain already gone is fine
                }
            }
        } catch (IOException e) {
            throw new CniFailure("bridge", null, "cannot read the masquerade rules of " + containerId + ": " + e.getMessage(), e);
        }
    }

    private HostCommand.Result iptables(String... args) throws IOException {
        List<String> argv = new ArrayList<>(List.of("iptables", "-w", "5", "-t", "nat"));
        argv.addAll(List.of(args));
        return host.run(argv, Map.of(), new byte[0]);
    }
}
