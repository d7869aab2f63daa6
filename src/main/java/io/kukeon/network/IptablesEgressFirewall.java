package io.kukeon.network;

import io.kukeon.model.EgressPolicy;
import io.kukeon.model.ObjectPath;

import java.io.IOException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link EgressFirewall} over {@code iptables} / {@code iptables-restore} (run through
 * {@link HostCommand}, so in the namespace it names). Each operation reads the filter table once
 * ({@code iptables -S}) and, when something differs from the plan, makes every change in one
 * {@code iptables-restore --noflush} transaction: a chain declared there is flushed and refilled
 * atomically (one nf_tables commit), so a changed policy has no window without rules.
 */
public final class IptablesEgressFirewall implements EgressFirewall {
    /** How long iptables waits for the xtables lock another tool holds ({@code -w}). */
    static final String LOCK_WAIT_SECONDS = "5";
    private static final Pattern FAILED_LINE = Pattern.compile("line (\\d+)");

    private final HostCommand host;
    private final HostResolver resolver;

    public IptablesEgressFirewall(HostCommand host, HostResolver resolver) {
        this.host = host;
        this.resolver = resolver;
    }

    @Override
    public synchronized void ensureHooks() {
        RestoreScript script = new RestoreScript();
        addHooks(list(), script);
        apply(script);
    }

    @Override
    public synchronized Applied ensure(SpaceEgress space) {
        List<String> unresolved = new ArrayList<>();
        Map<String, List<String>> addresses = resolveHosts(space.policy(), unresolved);
        String chain = EgressRulePlan.chainOf(space.space());
        List<IptablesRule> wanted = EgressRulePlan.spaceChain(space, addresses);

        IptablesListing listing = list();
        ObjectPath owner = listing.ownerOf(chain);
        if (owner != null && !owner.equals(space.space())) {
            throw new EgressFailureException("egress chain " + chain + " of space " + space.space()
                    + " already belongs to space " + owner + " (their names hash alike); rename one of them");
        }
        RestoreScript script = new RestoreScript();
        addHooks(listing, script);
        if (!listing.rules(chain).equals(wanted)) {
            script.replaceChain(chain, wanted);
        }
        IptablesRule dispatch = EgressRulePlan.dispatch(space);
        for (IptablesRule jump : listing.jumpsTo(EgressRulePlan.EGRESS_CHAIN, chain)) {
            if (!jump.equals(dispatch)) {
                script.line(jump.delete());   // the space's bridge changed
            }
        }
        if (!listing.rules(EgressRulePlan.EGRESS_CHAIN).contains(dispatch)) {
            script.line(dispatch.insertFirst());   // above the final drop of unclaimed bridges
        }
        boolean changed = !script.isEmpty();
        apply(script);
        return new Applied(chain, changed, unresolved);
    }

    @Override
    public synchronized void remove(ObjectPath space) {
        String chain = EgressRulePlan.chainOf(space);
        IptablesListing listing = list();
        if (!listing.has(chain)) {
            return;
        }
        ObjectPath owner = listing.ownerOf(chain);
        if (owner != null && !owner.equals(space)) {
            throw new EgressFailureException("egress chain " + chain + " belongs to space " + owner + ", not to " + space);
        }
        RestoreScript script = new RestoreScript();
        // only our own jump: a rule someone else made into our chain makes the removal refused, not silently undone
        for (IptablesRule jump : listing.jumpsTo(EgressRulePlan.EGRESS_CHAIN, chain)) {
            script.line(jump.delete());
        }
        script.line("-F " + chain);
        script.line("-X " + chain);
        apply(script);
    }

    @Override
    public synchronized Set<ObjectPath> spaces() {
        IptablesListing listing = list();
        Set<ObjectPath> out = new TreeSet<>((a, b) -> a.toString().compareTo(b.toString()));
        for (String chain : listing.chainNames()) {
            if (chain.startsWith(EgressRulePlan.SPACE_CHAIN_PREFIX)) {
                ObjectPath owner = listing.ownerOf(chain);
                if (owner != null && EgressRulePlan.chainOf(owner).equals(chain)) {
                    out.add(owner);
                }
            }
        }
        return out;
    }

    /** Adds to {@code script} whatever our chains and hooks lack; nothing when all is in place. */
    private static void addHooks(IptablesListing listing, RestoreScript script) {
        IptablesRule unclaimed = EgressRulePlan.unclaimedBridgeDrop();
        List<IptablesRule> egress = listing.rules(EgressRulePlan.EGRESS_CHAIN);
        if (!listing.has(EgressRulePlan.EGRESS_CHAIN)) {
            script.declare(EgressRulePlan.EGRESS_CHAIN);   // only when absent: declaring flushes it
        }
        if (egress.isEmpty() || !egress.get(egress.size() - 1).equals(unclaimed)) {
            if (egress.contains(unclaimed)) {
                script.line(unclaimed.delete());
            }
            script.line(unclaimed.append());
        }
        if (!listing.rules(EgressRulePlan.ADMISSION_CHAIN).equals(EgressRulePlan.admission())) {
            script.replaceChain(EgressRulePlan.ADMISSION_CHAIN, EgressRulePlan.admission());
        }
        List<IptablesRule> forward = listing.rules("FORWARD");
        List<IptablesRule> hooks = new ArrayList<>(EgressRulePlan.hooks());
        Collections.reverse(hooks);   // each goes first, so the last inserted ends on top
        for (IptablesRule hook : hooks) {
            if (!forward.contains(hook)) {
                script.line(hook.insertFirst());
            }
        }
    }

    private Map<String, List<String>> resolveHosts(EgressPolicy policy, List<String> unresolved) {
        Map<String, List<String>> addresses = new LinkedHashMap<>();
        for (EgressPolicy.Target target : policy.allow()) {
            if (target.host() != null && !addresses.containsKey(target.host())) {
                try {
                    addresses.put(target.host(), resolver.ipv4Addresses(target.host()));
                } catch (UnknownHostException e) {
                    addresses.put(target.host(), List.of());
                    unresolved.add(e.getMessage());
                }
            }
        }
        return addresses;
    }

    private IptablesListing list() {
        HostCommand.Result result = run(List.of("iptables", "-w", LOCK_WAIT_SECONDS, "-t", "filter", "-S"), new byte[0]);
        if (!result.succeeded()) {
            throw new EgressFailureException("iptables -S failed (exit " + result.exitCode() + "): " + HostCommand.oneLine(result.stderr()));
        }
        if (result.stdout().length() >= HostCommand.MAX_OUTPUT_BYTES) {
            throw new EgressFailureException("the filter table's listing is over " + HostCommand.MAX_OUTPUT_BYTES
                    + " bytes; too many rules to read it whole");
        }
        return IptablesListing.parse(result.stdout());
    }

    private void apply(RestoreScript script) {
        if (script.isEmpty()) {
            return;
        }
        String text = script.text();
        HostCommand.Result result = run(List.of("iptables-restore", "-w", LOCK_WAIT_SECONDS, "--noflush"),
                text.getBytes(StandardCharsets.UTF_8));
        if (!result.succeeded()) {
            throw new EgressFailureException("iptables-restore refused the change (nothing was applied): "
                    + HostCommand.oneLine(result.stderr()) + failedLine(result.stderr(), text));
        }
    }

    private HostCommand.Result run(List<String> argv, byte[] stdin) {
        try {
            return host.run(argv, Map.of(), stdin);
        } catch (IOException e) {
            throw new EgressFailureException(argv.get(0) + " could not run: " + e.getMessage(), e);
        }
    }

    /** The line of our script iptables-restore names in its error, for a message that says what was refused. */
    private static String failedLine(String stderr, String script) {
        Matcher m = FAILED_LINE.matcher(stderr);
        if (!m.find()) {
            return "";
        }
        String[] lines = script.split("\n");
        int n = Integer.parseInt(m.group(1));
        return n >= 1 && n <= lines.length ? " [" + lines[n - 1] + "]" : "";
    }

    /** One iptables-restore transaction on the filter table: chain declarations first, then rule lines. */
    private static final class RestoreScript {
        private final List<String> declarations = new ArrayList<>();
        private final List<String> lines = new ArrayList<>();

        /** Creates the chain, or flushes it when it exists. */
        void declare(String chain) {
            declarations.add(":" + chain + " - [0:0]");
        }

        void replaceChain(String chain, List<IptablesRule> rules) {
            declare(chain);
            for (IptablesRule r : rules) {
                lines.add(r.append());
            }
        }

        void line(String line) {
            lines.add(line);
        }

        boolean isEmpty() {
            return declarations.isEmpty() && lines.isEmpty();
        }

        String text() {
            StringBuilder out = new StringBuilder("*filter\n");
            declarations.forEach(d -> out.append(d).append('\n'));
            lines.forEach(l -> out.append(l).append('\n'));
            return out.append("COMMIT\n").toString();
        }
    }
}
