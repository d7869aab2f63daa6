package io.kukeon.cli;

import com.google.protobuf.ByteString;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.kukeon.api.Docs;
import io.kukeon.testing.BusyboxUpload;
import io.kukeon.testing.DaemonProcess;
import io.kukeon.testing.Eventually;
import io.kukeon.testing.RealHost;
import io.kukeon.wire.v1.ApplyRequest;
import io.kukeon.wire.v1.ExecInput;
import io.kukeon.wire.v1.ExecOutput;
import io.kukeon.wire.v1.ExecStart;
import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.TerminalSize;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kuke exec} against a kukeond process, the real containerd and runc: exit codes and streams
 * apart, 10 MiB through stdin byte for byte, a terminal that resizes, the shell's 126/127, clear
 * errors for a wrong container or a stopped one, and no process left behind by a client that goes
 * away, by 100 execs, or by a kukeond killed in the middle of one.
 */
@Tag("containerd")
class RealExecTest {
    private static final String SLEEPER = "command: /bin/sh\n      args: ['-c', \"trap 'exit 0' TERM; while :; do sleep 3600 & wait $!; done\"]\n";

    private static Path work;
    private static RealHost host;
    private static DaemonProcess daemon;
    private static Map<String, String> env;

    @BeforeAll
    static void startDaemon() throws Exception {
        work = Files.createTempDirectory("kukeon-exec-test");
        host = new RealHost();
        daemon = DaemonProcess.kukeond(work.resolve("data"), host.daemonSettings());
        daemon.start();
        env = Map.of("KUKEON_HOST", "unix:" + work.resolve("data/kukeond.sock"), "KUKEON_TOKEN_FILE", "/nonexistent/token");
        Docs.createStack(daemon.client(), "r/s/t");
        BusyboxUpload.into(daemon.asyncClient(), "r");
        apply("apiVersion: v1beta1\nkind: Cell\nmetadata: {name: solo}\nspec:\n  realmId: r\n  spaceId: s\n  stackId: t\n"
                + "  containers:\n    - id: app\n      image: docker.io/library/busybox:latest\n      env: [GREETING=hello]\n      " + SLEEPER
                + "---\napiVersion: v1beta1\nkind: Cell\nmetadata: {name: pair}\nspec:\n  realmId: r\n  spaceId: s\n  stackId: t\n"
                + "  containers:\n    - id: a\n      image: docker.io/library/busybox:latest\n      " + SLEEPER
                + "    - id: b\n      image: docker.io/library/busybox:latest\n      " + SLEEPER
                + "---\napiVersion: v1beta1\nkind: Cell\nmetadata: {name: term}\nspec:\n  realmId: r\n  spaceId: s\n  stackId: t\n"
                + "  tty: {default: shell}\n"   // attach and exec without -c reach it, beside another workload
                + "  containers:\n    - id: shell\n      image: docker.io/library/busybox:latest\n      command: /bin/sh\n"
                + "      attachable: true\n    - id: helper\n      image: docker.io/library/busybox:latest\n      " + SLEEPER);
    }

    @AfterAll
    static void stopDaemon() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        if (host != null) {
            host.close();
        }
        if (work != null) {
            io.kukeon.secrets.FileModes.deleteTree(work);
        }
    }

    private static void apply(String yaml) throws IOException {
        daemon.client().apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(yaml)).build());
    }

    /** kuke with the test's scope flags after its first word (they must come before "--"). */
    private static KukeRun.Bytes kuke(byte[] stdin, String... args) {
        return KukeRun.bytes(env, new ByteArrayInputStream(stdin), scoped(args));
    }

    /** {@code words} with the test's scope flags after the first word. */
    private static String[] scoped(String... words) {
        List<String> all = new java.util.ArrayList<>(List.of(words));
        all.addAll(1, List.of("--realm", "r", "--space", "s", "--stack", "t"));
        return all.toArray(String[]::new);
    }

    private static KukeRun.Bytes kuke(String... args) {
        return kuke(new byte[0], args);
    }

    @Test
    void exitCodeAndStreamsApartAndTheContainersEnvironment() {
        KukeRun.Bytes r = kuke("exec", "solo", "--", "sh", "-c", "echo out $GREETING $EXTRA; echo err >&2; exit 7");
        assertEquals(7, r.exit(), r.err());
        assertEquals("out hello\n", r.outText());
        assertEquals("err\n", r.err());

        r = kuke("exec", "solo", "-e", "EXTRA=more", "-w", "/tmp", "-u", "1000:1000", "--", "sh", "-c", "echo $GREETING $EXTRA $(pwd) $(id -u):$(id -g)");
        assertEquals(0, r.exit(), r.err());
        assertEquals("hello more /tmp 1000:1000\n", r.outText());
    }

    @Test
    void tenMebibytesOfStdinComeBackByteForByte() {
        byte[] data = new byte[10 << 20];
        new Random(20261206).nextBytes(data);
        KukeRun.Bytes r = kuke(data, "exec", "-i", "solo", "--", "cat");
        assertEquals(0, r.exit(), r.err());
        assertArrayEquals(data, r.out(), "the bytes through cat");
    }

    @Test
    void aCommandNotFoundOrNotRunnableExitsAsAShellDoes() {
        KukeRun.Bytes r = kuke("exec", "solo", "--", "no-such-command");
        assertEquals(127, r.exit(), r.err());
        assertTrue(r.err().contains("no-such-command") && r.err().contains("not found"), r.err());
        r = kuke("exec", "solo", "--", "/etc/passwd");
        assertEquals(126, r.exit(), r.err());
        assertTrue(r.err().contains("permission denied"), r.err());
    }

    @Test
    void theContainerMustBeNamedWhenThereAreTwoAndMustRun() throws Exception {
        KukeRun.Bytes r = kuke("exec", "pair", "--", "true");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("has 2 containers (a, b): name one with -c"), r.err());
        r = kuke("exec", "pair", "-c", "c", "--", "true");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("container \"c\" not found in cell \"pair\""), r.err());
        assertEquals(0, kuke("exec", "pair", "-c", "b", "--", "true").exit());

        daemon.client().stop(LifecycleRequest.newBuilder().setKind("Cell").setPath("r/s/t/pair").build());
        r = kuke("exec", "pair", "-c", "a", "--", "true");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("is not running (Stopped)"), r.err());
        daemon.client().start(LifecycleRequest.newBuilder().setKind("Cell").setPath("r/s/t/pair").build());
    }

    @Test
    void aTerminalIsATtyAndItsResizeIsSeen() throws Exception {
        ExecCall call = ExecCall.start(ExecStart.newBuilder().setPath("r/s/t/solo")
                .addAllCommand(List.of("sh", "-c", "tty; stty size; read line; stty size"))
                .setStdin(true).setTty(true).setSize(TerminalSize.newBuilder().setWidth(80).setHeight(24)).build());
        call.awaitOutput("24 80");
        call.send(ExecInput.newBuilder().setResize(TerminalSize.newBuilder().setWidth(132).setHeight(43)).build());
        call.send(ExecInput.newBuilder().setStdin(ByteString.copyFromUtf8("go\r")).build());
        assertEquals(0, call.exit.get(30, TimeUnit.SECONDS));
        String out = call.output();
        assertTrue(out.contains("/dev/pts/"), out);
        assertTrue(out.contains("43 132"), out);
    }

    @Test
    void aClientThatGoesAwayAndAHundredExecsLeaveNoProcess() throws Exception {
        String before = processes();
        ExecCall call = ExecCall.start(ExecStart.newBuilder().setPath("r/s/t/solo")
                .addAllCommand(List.of("sh", "-c", "echo started; exec sleep 987654")).build());
        call.awaitOutput("started");
        assertTrue(processes().contains("sleep 987654"), processes());
        call.requests.cancel("the client goes away", null);
        Eventually.value("the exec killed", Duration.ofSeconds(30), () -> hostRuns("sleep 987654") ? null : true);

        for (int i = 0; i < 100; i++) {
            KukeRun.Bytes r = kuke("exec", "solo", "--", "true");
            assertEquals(0, r.exit(), "exec " + (i + 1) + " of 100: " + r.err());
        }
        assertEquals(before, processes(), "the container's processes before and after");
        assertEquals(2L, taskPids(), "ctr task ps: the shell and its sleep");
        Eventually.value("no exec pipes left", Duration.ofSeconds(10), () -> emptyExecDir() ? true : null);
    }

    @Test
    void anExecLeftByAKilledKukeondIsEndedAtItsStart() throws Exception {
        ExecCall call = ExecCall.start(ExecStart.newBuilder().setPath("r/s/t/solo")
                .addAllCommand(List.of("sh", "-c", "echo started; exec sleep 876543")).build());
        call.awaitOutput("started");
        daemon.kill9();
        assertTrue(hostRuns("sleep 876543"), "still running while kukeond is down");
        daemon.start();
        Eventually.value("the leftover exec ended", Duration.ofSeconds(30), () -> hostRuns("sleep 876543") ? null : true);
        Eventually.value("its pipes removed", Duration.ofSeconds(10), () -> emptyExecDir() ? true : null);
        // once the restarted kukeond has adopted the container again
        Eventually.value("exec works after the restart", Duration.ofSeconds(30), () -> kuke("exec", "solo", "--", "true").exit() == 0 ? true : null);
    }

    /**
     * bin/kuke as the build lays it out, on its own classpath (target/lib/kuke.classpath: no pekko,
     * scala, H2 or slick) and this build's classes: apply, get, logs and exec against the real daemon.
     */
    @Test
    void kukeOnItsOwnClasspathAppliesGetsReadsLogsAndExecs() throws Exception {
        Path home = KukeHome.clientOnly(work.resolve("client-home"));
        Path manifest = work.resolve("client.yaml");
        Files.writeString(manifest, "apiVersion: v1beta1\nkind: Cell\nmetadata: {name: client}\nspec:\n  realmId: r\n"
                + "  spaceId: s\n  stackId: t\n  containers:\n    - id: app\n      image: docker.io/library/busybox:latest\n"
                + "      command: /bin/sh\n      args: ['-c', \"echo from-the-client-$((20+22)); exec sleep 3600\"]\n");
        KukeHome.Result applied = KukeHome.run(home, env, "apply", "-f", manifest.toString());
        assertEquals(0, applied.exit(), applied.err());
        assertTrue(applied.out().contains("client"), applied.out());

        KukeHome.Result cells = KukeHome.run(home, env, scoped("get", "cells"));
        assertEquals(0, cells.exit(), cells.err());
        assertTrue(cells.out().lines().anyMatch(l -> l.startsWith("client ") && l.contains("Ready")), cells.out());

        String logs = Eventually.value("the container's line in its log", Duration.ofSeconds(30), () -> {
            KukeHome.Result r = KukeHome.run(home, env, scoped("logs", "client"));
            return r.exit() == 0 && r.out().contains("from-the-client-42") ? r.out() : null;
        });
        assertEquals("[app] from-the-client-42\n", logs);

        KukeHome.Result exec = KukeHome.run(home, env, scoped("exec", "client", "--", "sh", "-c", "echo exec-$((6*7)); exit 3"));
        assertEquals(3, exec.exit(), exec.err());
        assertEquals("exec-42\n", exec.out());
        assertEquals("", exec.err());
    }

    /**
     * bin/kuke as a person at a terminal runs it (util-linux's script gives it one): keys go to the
     * process raw, Ctrl-C included, and kuke exits with the process's code.
     */
    @Test
    void aRealKukeOnATerminalPassesKeysAndCtrlCToTheProcess() throws Exception {
        Path home = KukeHome.create(work.resolve("kuke-home"));
        String kuke = KukeHome.kuke() + " exec --realm r --space s --stack t -it solo -- ";
        // a shell that reads a line, then one that waits for Ctrl-C; the keys come once the shell is seen on the terminal
        ProcessResult typed = onTerminal(home, "seen '# '; printf 'echo typed-$((6*7)); exit 5\\r'",
                kuke + "sh");
        assertEquals(5, typed.exit(), typed.output());
        assertTrue(typed.output().contains("typed-42"), typed.output());
        ProcessResult interrupted = onTerminal(home, "seen /dev/pts/; printf '\\003'",
                kuke + "sh -c \"trap 'echo got-ctrl-c; exit 9' INT; tty; while :; do sleep 1; done\"");
        assertEquals(9, interrupted.exit(), interrupted.output());
        assertTrue(interrupted.output().contains("/dev/pts/") && interrupted.output().contains("got-ctrl-c"), interrupted.output());
    }

    private record ProcessResult(int exit, String output) {}

    /**
     * {@code command} on a terminal of its own, {@code keys} (a shell's printf) typed into it; {@code seen TEXT} in
     * {@code keys} waits (up to 60 s) until the terminal has shown TEXT: a key typed before kuke has made the terminal
     * raw would be the terminal's (Ctrl-C would interrupt kuke itself), and what kuke shows of the process comes after
     * that. An attach shows only what comes after it: a return typed first (held by the terminal until kuke reads it)
     * brings a shell's prompt again.
     */
    private static ProcessResult onTerminal(Path home, String keys, String command) throws Exception {
        Path out = Files.createTempFile(work, "terminal", ".out");
        String seen = "seen() { i=0; until grep -aqF -- \"$1\" \"$TERMINAL_OUT\"; do [ $i -lt 600 ] || return 1; sleep 0.1;"
                + " i=$((i+1)); done; }; ";
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", seen + "(" + keys + ") | script -qefc \"$0\" /dev/null", command)
                .redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("KUKEON_") || k.equals("JAVA_TOOL_OPTIONS"));
        builder.environment().putAll(env);
        builder.environment().putAll(Map.of("KUKEON_HOME", home.toString(), "KUKEON_CDS", "off", "TERMINAL_OUT", out.toString()));
        Process p = builder.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "kuke on a terminal finished: " + Files.readString(out));
        return new ProcessResult(p.exitValue(), Files.readString(out));
    }

    /**
     * An attachable busybox sh: a command through attach, a detach that leaves it running, a kill -9
     * of kukeond that leaves its terminal open (the logger holds its stdin), attach again, and its
     * exit code at the end; what it printed is in its log too.
     */
    @Test
    void anAttachableShellAnswersThroughAttachAndOutlivesAKilledKukeond() throws Exception {
        ExecStart term = ExecStart.newBuilder().setPath("r/s/t/term")
                .setSize(TerminalSize.newBuilder().setWidth(100).setHeight(30)).build();
        ExecCall first = ExecCall.attach(term);
        ExecCall watcher = ExecCall.attach(term);   // a second client sees the same screen
        first.type("echo hi-$((1+1)); stty size\r");
        first.awaitOutput("hi-2");
        first.awaitOutput("30 100");
        first.type("echo both-$((5+5))\r");   // by now the watcher is connected too
        watcher.awaitOutput("both-10");
        first.requests.cancel("detach", null);
        watcher.requests.cancel("detach", null);
        assertEquals(0, kuke("exec", "term", "--", "true").exit(), "the shell goes on after the detach");

        daemon.kill9();
        daemon.start();
        ExecCall again = Eventually.value("attach after the restart", Duration.ofSeconds(60), () -> {
            ExecCall call = ExecCall.attach(term);
            call.type("echo again-$((2+2))\r");
            try {
                call.awaitOutput("again-4", Duration.ofSeconds(5));
                return call;
            } catch (Exception | AssertionError notYet) {   // the restarted kukeond has not adopted the cell yet
                call.requests.cancel("retry", null);
                return null;
            }
        });
        again.requests.cancel("detach", null);

        // kuke attach on a real terminal: keys in, screen out, Ctrl-] twice detaches
        ProcessResult attached = onTerminal(KukeHome.create(work.resolve("attach-home")),
                "printf '\\r'; seen '# '; printf 'echo attached-$((3*3))\\r'; seen attached-9; printf '\\035\\035'",
                KukeHome.kuke() + " attach --realm r --space s --stack t term");
        assertEquals(0, attached.exit(), attached.output());
        assertTrue(attached.output().contains("attached-9") && attached.output().contains("detached from cell \"term\""),
                attached.output());

        ExecCall last = ExecCall.attach(term);
        last.type("exit 3\r");
        assertEquals(3, last.exit.get(30, TimeUnit.SECONDS), "the shell's exit code ends the attach");
        KukeRun.Bytes logs = kuke("logs", "term");
        assertTrue(logs.outText().contains("hi-2") && logs.outText().contains("again-4"), logs.outText());
        KukeRun.Bytes notAttachable = kuke("attach", "solo");
        assertEquals(1, notAttachable.exit());
        assertTrue(notAttachable.err().contains("has no terminal to attach to"), notAttachable.err());
    }

    private static final String BUSYBOX = "docker.io/library/busybox:latest";

    /**
     * kuke run: the output of a run that ends at once reaches kuke although --rm deletes its cell
     * right away; the exit code is the workload's; a cell of that name is started again and shows
     * only its new run; nothing of a deleted run's cell is left (its log directory included).
     */
    @Test
    void runShowsTheWholeRunAndExitsWithItsCodeAndRmLeavesNothing() throws Exception {
        KukeRun.Bytes hi = kuke("run", "--rm", "--image", BUSYBOX, "--", "echo", "hi");
        assertEquals(0, hi.exit(), hi.err());
        assertEquals("hi\n", hi.outText());
        KukeRun.Bytes failed = kuke("run", "--rm", "--image", BUSYBOX, "--", "sh", "-c", "echo out; echo err >&2; exit 3");
        assertEquals(3, failed.exit(), failed.err());
        assertEquals(List.of("err", "out"), failed.outText().lines().sorted().toList());
        Eventually.value("the --rm cells deleted", Duration.ofSeconds(60), () -> kuke("get", "cells").outText().lines()
                .noneMatch(l -> l.startsWith("busybox-")) ? true : null);
        Eventually.value("their logs deleted", Duration.ofSeconds(30), () -> {
            try (Stream<Path> cells = Files.list(work.resolve("data/logs/r/s/t"))) {
                return cells.noneMatch(p -> p.getFileName().toString().startsWith("busybox-")) ? true : null;
            }
        });

        KukeRun.Bytes first = kuke("run", "job", "--image", BUSYBOX, "--", "sh", "-c", "echo run-$RANDOM");
        assertEquals(0, first.exit(), first.err());
        KukeRun.Bytes again = kuke("run", "job", "--image", BUSYBOX);
        assertEquals(0, again.exit(), again.err());
        assertEquals(1, again.outText().lines().count(), "only the new run: " + again.outText());
        assertTrue(again.outText().startsWith("run-") && !again.outText().equals(first.outText()), again.outText());
        assertEquals(0, kuke("delete", "cell", "job").exit());
    }

    @Test
    void runDetachedFromAFileAndOnATerminal() throws Exception {
        KukeRun.Bytes detached = kuke("run", "daemonized", "-d", "--image", BUSYBOX, "--", "sleep", "1000");
        assertEquals(0, detached.exit(), detached.err());
        assertEquals("daemonized\n", detached.outText());
        assertTrue(kuke("get", "cell", "daemonized").outText().contains("Ready"), "left running");
        assertEquals(0, kuke("delete", "cell", "daemonized").exit());

        Path job = work.resolve("job.yaml");
        Files.writeString(job, "apiVersion: v1beta1\nkind: Cell\nmetadata: {name: fromfile}\nspec:\n  realmId: r\n  spaceId: s\n"
                + "  stackId: t\n  autoDelete: true\n  containers:\n    - id: app\n      image: " + BUSYBOX + "\n"
                + "      command: /bin/sh\n      args: ['-c', 'echo from-file; exit 4']\n");
        KukeRun.Bytes fromFile = kuke("run", "-f", job.toString());
        assertEquals(4, fromFile.exit(), fromFile.err());
        assertEquals("from-file\n", fromFile.outText());

        // a bad command line changes nothing
        KukeRun.Bytes twoNames = kuke("run", "--image", BUSYBOX, "echo", "hi");
        assertEquals(2, twoNames.exit());
        assertTrue(twoNames.err().contains("the command goes after it"), twoNames.err());
        assertEquals(2, kuke("run", "-i", "--image", BUSYBOX).exit());
        assertTrue(kuke("get", "cells").outText().lines().noneMatch(l -> l.startsWith("busybox-") || l.startsWith("echo")));

        // -it: the container's terminal here; its exit code is kuke's, and --rm deletes it
        ProcessResult shell = onTerminal(KukeHome.create(work.resolve("run-home")),
                "printf '\\r'; seen '# '; printf 'echo ran-$((6*7)); exit 5\\r'",   // the prompt came before kuke attached
                KukeHome.kuke() + " run --realm r --space s --stack t interactive --rm -it --image " + BUSYBOX + " -- sh");
        assertEquals(5, shell.exit(), shell.output());
        assertTrue(shell.output().contains("ran-42"), shell.output());
        Eventually.value("the -it --rm cell deleted", Duration.ofSeconds(60), () -> kuke("get", "cell", "interactive").exit() == 1 ? true : null);
    }

    /** What busybox ps sees in the container, without the ps itself. */
    private static String processes() {
        KukeRun.Bytes r = kuke("exec", "solo", "--", "ps", "-o", "args");
        assertEquals(0, r.exit(), r.err());
        return r.outText().lines().filter(l -> !l.startsWith("ps ")).sorted().reduce("", (a, b) -> a + b + "\n");
    }

    /** Whether a process with this command line runs on the host (the container's are seen from here too). */
    private static boolean hostRuns(String commandLine) throws IOException {
        String wanted = commandLine.replace(' ', '\0') + "\0";
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("[0-9]+")).anyMatch(p -> {
                try {
                    return new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).equals(wanted);
                } catch (IOException gone) {
                    return false;
                }
            });
        }
    }

    /** The task's processes as containerd's own tool lists them. */
    private static long taskPids() throws Exception {
        Process p = new ProcessBuilder("ctr", "--address", host.socket.toString(), "-n", host.namespace("r"),
                "task", "ps", "s_t_solo_app").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        return out.lines().skip(1).filter(l -> !l.isBlank()).count();
    }

    private static boolean emptyExecDir() throws IOException {
        Path dir = work.resolve("data/exec");
        if (!Files.exists(dir)) {
            return true;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            return all.noneMatch(p -> p.getFileName().toString().startsWith("kuke-exec-"));
        }
    }

    /** An exec on the API directly, for what kuke's terminal and its going away need. */
    private static final class ExecCall implements ClientResponseObserver<ExecInput, ExecOutput> {
        final CompletableFuture<Integer> exit = new CompletableFuture<>();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        ClientCallStreamObserver<ExecInput> requests;

        static ExecCall start(ExecStart start) throws IOException {
            ExecCall call = new ExecCall();
            daemon.asyncClient().exec(call);
            call.send(ExecInput.newBuilder().setStart(start).build());
            return call;
        }

        static ExecCall attach(ExecStart start) throws IOException {
            ExecCall call = new ExecCall();
            daemon.asyncClient().attach(call);
            call.send(ExecInput.newBuilder().setStart(start).build());
            return call;
        }

        void type(String keys) {
            send(ExecInput.newBuilder().setStdin(ByteString.copyFromUtf8(keys)).build());
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<ExecInput> requests) {
            this.requests = requests;
        }

        synchronized void send(ExecInput message) {
            requests.onNext(message);
        }

        synchronized String output() {
            return out.toString(StandardCharsets.UTF_8);
        }

        void awaitOutput(String text) throws Exception {
            awaitOutput(text, Duration.ofSeconds(30));
        }

        void awaitOutput(String text, Duration within) throws Exception {
            Eventually.value("\"" + text + "\" in the output", within, () -> output().contains(text) ? true : null);
        }

        @Override
        public synchronized void onNext(ExecOutput o) {
            out.writeBytes(o.getStdout().toByteArray());
            out.writeBytes(o.getStderr().toByteArray());
            if (o.hasExit()) {
                exit.complete(o.getExit().getCode());
            }
        }

        @Override
        public void onError(Throwable t) {
            exit.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
            exit.complete(-1);
        }
    }
}
