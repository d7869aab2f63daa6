package io.kukeon.network;

import io.kukeon.model.ObjectPath;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The filter table as {@code iptables -S} printed it: its chains, each with its rules in order. */
final class IptablesListing {
    private static final Pattern OWNER = Pattern.compile("--comment \"?kukeon:([A-Za-z0-9.-]+):([A-Za-z0-9.-]+)\"?");

    private final Map<String, List<IptablesRule>> chains = new LinkedHashMap<>();

    static IptablesListing parse(String text) {
        IptablesListing listing = new IptablesListing();
        for (String line : text.split("\n")) {
            String[] words = line.trim().split(" ");
            if (words.length >= 2 && (words[0].equals("-P") || words[0].equals("-N"))) {
                listing.chains.putIfAbsent(words[1], new ArrayList<>());
            }
            IptablesRule rule = IptablesRule.parse(line.trim());
            if (rule != null) {
                listing.chains.computeIfAbsent(rule.chain(), c -> new ArrayList<>()).add(rule);
            }
        }
        return listing;
    }

    boolean has(String chain) {
        return chains.containsKey(chain);
    }

    List<String> chainNames() {
        return List.copyOf(chains.keySet());
    }

    /** The chain's rules in order; empty when it does not exist. */
    List<IptablesRule> rules(String chain) {
        return chains.getOrDefault(chain, List.of());
    }

    /** The rules of chain {@code from} that jump to chain {@code to}. */
    List<IptablesRule> jumpsTo(String from, String to) {
        return rules(from).stream().filter(r -> to.equals(r.target())).toList();
    }

    /** The space a chain of ours belongs to, read from the comments of its rules; null when none says. */
    ObjectPath ownerOf(String chain) {
        for (IptablesRule r : rules(chain)) {
            Matcher m = OWNER.matcher(r.spec());
            if (m.find()) {
                return ObjectPath.of(m.group(1), m.group(2));
            }
        }
        return null;
    }
}
