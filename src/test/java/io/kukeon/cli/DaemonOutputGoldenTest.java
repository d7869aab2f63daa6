package io.kukeon.cli;

import io.kukeon.daemon.Daemon;
import io.kukeon.testing.Eventually;
import io.kukeon.testing.TestDaemon;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What kuke prints for the objects of a running kukeond, against golden files under
 * {@code golden/daemon}. What differs from run to run is masked: ages, times, the data dir, uptime, and
 * IPv4 addresses (which cell gets which address depends on which starts first).
 */
class DaemonOutputGoldenTest extends AgainstTestDaemon {
    private static final String[] WEB = {"--realm", "demo", "--space", "shop", "--stack", "web"};
    private static final String IPV4 = "\\b\\d{1,3}(\\.\\d{1,3}){3}\\b";

    /** jsonpath prints what its template picks: OutputAgainstDaemonTest. */
    private static final List<OutputFormat> GOLDEN_FORMATS = List.of(OutputFormat.table, OutputFormat.wide, OutputFormat.yaml,
            OutputFormat.json, OutputFormat.name);

    /**
     * The fake runtime numbers pids in the order tasks start, which a parallel apply leaves open:
     * one document at a time keeps the pids the goldens show (ParallelApplyTest applies at once).
     */
    @Override
    Map<String, String> daemonFlags() {
        return Map.of("apply-parallelism", "1");
    }

    @Test
    void cellsAndContainersInEveryFormat() throws Exception {
        ok("apply", "-f", example("multi-document.yaml"));
        for (String kind : List.of("cells", "containers")) {
            for (OutputFormat f : GOLDEN_FORMATS) {
                String out = ok(args(List.of("get", kind, "-o", f.name()), WEB)).out();
                boolean table = f == OutputFormat.table || f == OutputFormat.wide;
                Golden.assertMatches("daemon/" + kind + "." + (table ? f.name() + ".txt" : f.name()),
                        table ? maskAges(out) : mask(out));
            }
        }
        Golden.assertMatches("daemon/cell.json", mask(ok(args(List.of("get", "cell", "worker", "-o", "json"), WEB)).out()));
    }

    @Test
    void volumesInEveryFormatAndTheCellThatMountsThem() throws Exception {
        ok("init");
        ok("create", "volume", "shared", "--reclaim-policy", "Retain");
        ok("create", "volume", "cache", "--space", "default", "--stack", "default");
        Path manifest = work.resolve("app.yaml");
        Files.writeString(manifest, VolumesAgainstDaemonTest.mountingCell("app", "shared"));
        ok("apply", "-f", manifest.toString());
        Eventually.value("the cell running", Duration.ofSeconds(10),
                () -> ok("get", "volumes").out().contains("(Ready)") ? true : null);
        for (OutputFormat f : GOLDEN_FORMATS) {
            String out = ok("get", "volumes", "-o", f.name()).out();
            boolean table = f == OutputFormat.table || f == OutputFormat.wide;
            Golden.assertMatches("daemon/volumes." + (table ? f.name() + ".txt" : f.name()),
                    table ? maskAges(mask(out)) : mask(out));
        }
        String cell = ok("get", "cell", "app", "-o", "yaml").out();
        Golden.assertMatches("daemon/cell-with-volumes.yaml", mask(cell));
        Files.writeString(manifest, cell);
        assertEquals("Cell \"app\": unchanged\n", ok("apply", "-f", manifest.toString()).out());
    }

    @Test
    void realmsWideShowTheNamespaceKukeondUses() throws Exception {
        try (TestDaemon other = new TestDaemon(work.resolve("other"), Map.of("namespace-suffix", "ns.example"))) {
            Map<String, String> otherEnv = envFor(other);
            assertEquals(0, KukeRun.of(otherEnv, "init").exit());
            assertEquals(0, KukeRun.of(otherEnv, "create", "realm", "own", "--namespace", "own.example.io").exit());
            KukeRun wide = KukeRun.of(otherEnv, "get", "realms", "-o", "wide");
            assertEquals(0, wide.exit(), wide.err());
            Golden.assertMatches("daemon/realms.wide.txt", maskAges(wide.out()));
        }
    }

    @Test
    void eventsOfOneCell() throws Exception {
        ok("apply", "-f", example("multi-document.yaml"));
        Golden.assertMatches("daemon/events-cell.txt", mask(ok(args(List.of("events", "cell/frontend"), WEB)).out()));
    }

    @Test
    void statusFailsWhenContainerdIsDown() throws Exception {
        daemon.runtime.setAvailable(false);
        KukeRun status = kuke("status");
        assertEquals(1, status.exit(), "a FAIL row is a failure");
        assertEquals("", status.err());
        Golden.assertMatches("daemon/status-fail.txt", mask(status.out()).replace(Daemon.version(), "<version>")
                .replaceAll("up \\d+ s", "up <n> s").replaceAll("last offset \\d+", "last offset <n>")
                .replaceAll("[0-9.]+ [KMGT]iB free", "<free> free").replaceAll("[0-9.]+ [KMGT]?i?B used of [0-9.]+ [KMGT]?i?B", "<used> used of <size>")
                .replaceAll("journal, [0-9.]+ [KMGT]?i?B in ", "journal, <size> in ").replaceAll("read [0-9.]+ ms, write ([0-9.]+ ms \\(median of the last \\d+ writes\\)|none yet)",
                        "read <n> ms, write <latency>"));
    }

    private static String[] args(List<String> first, String... more) {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private String mask(String out) {
        return out.replace(dataDir.toString(), "<data-dir>")
                .replaceAll("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z", "<time>")
                .replaceAll(IPV4, "<ip>");
    }

    /**
     * The table with {@code <age>} in the AGE column and {@code <ip>} for an address, aligned again
     * (alignment itself is RenderingTest's).
     */
    private static String maskAges(String table) {
        List<String> lines = table.lines().toList();
        List<String> headers = List.of(lines.get(0).split(" {2,}"));
        int age = headers.indexOf("AGE");
        Table masked = new Table(headers);
        for (String line : lines.subList(1, lines.size())) {
            List<String> row = new ArrayList<>(List.of(line.split(" {2,}")));
            row.set(age, "<age>");
            row.replaceAll(cell -> cell.matches(IPV4) ? "<ip>" : cell);
            masked.add(row);
        }
        return masked.render();
    }
}
