package io.kukeon.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** kuke start and restart say what failed and exit 1 when the cell ends up Failed, as apply does (issue 16). */
class StartExitCodeTest extends AgainstTestDaemon {
    private static final String CELL = """
            apiVersion: v1beta1
            kind: Cell
            metadata: {name: broken}
            spec:
              realmId: default
              spaceId: default
              stackId: default
              containers:
                - {id: app, image: no-such-image, command: sleep}
            """;

    /** A grace the fake workload's exit 100 ms after its start falls well within. */
    @Override
    Map<String, String> daemonFlags() {
        return Map.of("startup-grace", "500ms");
    }

    @Test
    void startAndRestartOfACellThatEndsUpFailedSayWhyAndExit1() throws Exception {
        daemon.runtime.unknownImage("no-such-image");
        ok("init");
        Path manifest = Files.writeString(work.resolve("broken.yaml"), CELL);
        assertEquals(1, kuke("apply", "-f", manifest.toString()).exit(), "apply reports the failed start");

        for (String command : new String[] {"start", "restart"}) {
            KukeRun r = kuke(command, "broken");
            assertEquals(1, r.exit(), command + ": " + r.out() + r.err());
            assertEquals("", r.out(), command + " does not say it started");
            assertTrue(r.err().startsWith("cell \"broken\" did not start (Failed, ImageNotFound): "), r.err());
            assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        }
    }

    /** A workload that dies just after the start answered: apply, start and restart wait for the verdict. */
    @Test
    void aBringUpThatFailsAfterTheAnswerIsReportedAndExits1() throws Exception {
        ok("init");
        Path manifest = Files.writeString(work.resolve("quits.yaml"), CELL.replace("broken", "quits")
                .replace("image: no-such-image, command: sleep", "image: busybox, command: sleep, args: [exit=3, exit-after=100]"));
        KukeRun applied = kuke("apply", "-f", manifest.toString());
        assertEquals(1, applied.exit(), applied.out() + applied.err());
        assertTrue(applied.out().contains("Cell \"quits\": failed\n  Error: line 1: container \"app\" exited within 500 ms of its start"
                + " (exit code 3)"), applied.out());
        for (String command : new String[] {"start", "restart"}) {
            KukeRun r = kuke(command, "quits");
            assertEquals(1, r.exit(), command + ": " + r.out() + r.err());
            assertTrue(r.err().startsWith("cell \"quits\" did not start (Failed, ContainerExitedEarly): container \"app\""
                    + " exited within 500 ms"), r.err());
        }
    }

    @Test
    void aStartThatWorksStillSaysSoAndExits0() throws Exception {
        ok("init");
        Path manifest = Files.writeString(work.resolve("fine.yaml"), CELL.replace("broken", "fine").replace("no-such-image", "busybox"));
        ok("apply", "-f", manifest.toString());
        ok("stop", "fine");
        KukeRun r = ok("start", "fine");
        assertEquals("Started cell \"fine\" from stack \"default\"\n", r.out());
    }
}
