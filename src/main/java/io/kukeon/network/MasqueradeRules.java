package io.kukeon.network;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
 */
final class MasqueradeRules {
    private static final Pattern RULE = Pattern.compile(
            "^-A POSTROUTING -s (\\S+) -m comment --comment \"name: \\\\\"(.+?)\\\\\" id: \\\\\"(.+?)\\\\\"\" -j (CNI-[0-9a-f]+)$");

    private final HostCommand host;

    MasqueradeRules(HostCommand host) {
        this.host = host;
    }

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
