package io.kukeon.cli;

import io.grpc.StatusRuntimeException;
import io.kukeon.testing.FakeRuntime;
import io.kukeon.wire.v1.ContainerStatus;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.PullProgress;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Long work shows its progress on a terminal, on one line that is cleared at the end, and nowhere else. */
class ProgressTest extends AgainstTestDaemon {
    private static final String IMAGE = "registry.example:5000/slow:1";
    private static final String PULLING = "slow/app: pulling " + IMAGE + ": 1.0 MiB of 3.0 MiB";
    private static final String CLEARED = "\r\033[K";
    /** Where the fake runtime holds a pull: a third of the image. */
    private static final PullProgress HELD = PullProgress.newBuilder()
            .setDoneBytes(FakeRuntime.HELD_PULL_BYTES / 3).setTotalBytes(FakeRuntime.HELD_PULL_BYTES).build();

    @Test
    void applyOnATerminalShowsHowFarThePullHasCome() throws Exception {
        ok("init");
        daemon.runtime.holdPull(IMAGE);
        BackgroundKuke apply = new BackgroundKuke(env, true, "apply", "-f", slowCell());
        apply.awaitErr(PULLING);
        daemon.runtime.releasePull(IMAGE);
        assertEquals(0, apply.join(), apply.err());
        assertTrue(apply.out().contains("Cell \"slow\": created"), apply.out());
        assertTrue(apply.err().startsWith("\r" + PULLING) && apply.err().endsWith(CLEARED),
                "the line is rewritten in place, then cleared: " + apply.err());
    }

    @Test
    void aPipedApplyPrintsNoProgress() throws Exception {
        BackgroundKuke apply = pipedApplyWithItsPullHeld();
        daemon.runtime.releasePull(IMAGE);
        assertEquals(0, apply.join(), apply.err());
        assertEquals("", apply.err());
    }

    @Test
    void getShowsThePullWhileItRunsAndNotAfter() throws Exception {
        BackgroundKuke apply = pipedApplyWithItsPullHeld();
        String pulling = ok("get", "cell", "slow", "-o", "yaml").out();
        assertTrue(pulling.matches("(?s).*\\n *pull:\\n *doneBytes: 1048576\\n *totalBytes: 3145728\\n.*"), pulling);
        assertFalse(pulling.contains("pulling"), "the progress is in the pull field, not in a message: " + pulling);
        daemon.runtime.releasePull(IMAGE);
        assertEquals(0, apply.join(), apply.err());
        String started = ok("get", "cell", "slow", "-o", "json").out();
        assertTrue(started.contains("\"image\": \"" + IMAGE + "\""), started);
        assertFalse(started.contains("\"pull\""), started);
    }

    @Test
    void startOnATerminalShowsThePullToo() throws Exception {
        ok("init");
        ok("apply", "-f", slowCell());
        ok("stop", "slow");
        daemon.runtime.holdPull(IMAGE);
        BackgroundKuke start = new BackgroundKuke(env, true, "start", "slow");
        start.awaitErr(PULLING);
        daemon.runtime.releasePull(IMAGE);
        assertEquals(0, start.join(), start.err());
        assertEquals("Started cell \"slow\" from stack \"default\"\n", start.out());
        assertTrue(start.err().endsWith(CLEARED), start.err());
    }

    @Test
    void aCascadeDeleteOnATerminalCountsWhatIsGone() throws Exception {
        ok("init");
        StringBuilder manifest = new StringBuilder("""
                apiVersion: v1beta1
                kind: Stack
                metadata: {name: web}
                spec: {id: web, realmId: default, spaceId: default}
                """);
        for (int i = 1; i <= 3; i++) {
            manifest.append("---\napiVersion: v1beta1\nkind: Cell\nmetadata: {name: c").append(i).append("}\n")
                    .append("spec:\n  id: c").append(i).append("\n  realmId: default\n  spaceId: default\n  stackId: web\n")
                    .append("  containers:\n  - {id: app, image: busybox, args: [\"slow-delete=").append(300 * i).append("\"]}\n");
        }
        // one cell after the other goes, slowly enough to be seen going
        Path file = work.resolve("stack.yaml");
        Files.writeString(file, manifest);
        ok("apply", "-f", file.toString());
        KukeRun delete = KukeRun.onTerminal(env, "delete", "stack", "web", "--cascade");
        assertEquals(0, delete.exit(), delete.err());
        assertTrue(delete.out().endsWith("Deleted stack \"web\" from space \"default\"\n"), delete.out());
        assertTrue(delete.err().matches("(\\rdeleting stack web: \\d+ of 10 objects\\033\\[K)+\\r\\033\\[K"),
                "1 stack, 3 cells, 3 containers and their 3 root containers counted as they go, then the line cleared: " + delete.err());
    }

    /** A piped {@code kuke apply} of the slow cell, once kukeond reports its pull held a third of the way. */
    private BackgroundKuke pipedApplyWithItsPullHeld() throws Exception {
        ok("init");
        daemon.runtime.holdPull(IMAGE);
        BackgroundKuke apply = new BackgroundKuke(env, false, "apply", "-f", slowCell());
        assertEquals(HELD, awaitPull());
        return apply;
    }

    /** The pull that kukeond reports in the status of the cell's container, once it reports one. */
    private PullProgress awaitPull() throws Exception {
        GetRequest get = GetRequest.newBuilder().setKind("Cell").setPath("default/default/default/slow").build();
        for (int i = 0; i < 1500; i++) {
            try {
                for (ContainerStatus c : daemon.client().get(get).getObject().getStatus().getContainersList()) {
                    if (c.hasPull()) {
                        return c.getPull();
                    }
                }
            } catch (StatusRuntimeException notCreatedYet) {
                // the apply being watched creates it
            }
            Thread.sleep(20);
        }
        throw new AssertionError("kukeond never reported the pull of slow/app");
    }

    private String slowCell() throws Exception {
        Path file = work.resolve("slow.yaml");
        Files.writeString(file, """
                apiVersion: v1beta1
                kind: Cell
                metadata: {name: slow}
                spec:
                  id: slow
                  realmId: default
                  spaceId: default
                  stackId: default
                  containers:
                  - {id: app, image: "%s"}
                """.formatted(IMAGE));
        return file.toString();
    }
}
