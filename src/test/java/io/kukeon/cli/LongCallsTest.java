package io.kukeon.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Work that outlasts the API's idle timeout (a held pull, a slow cascade) is not cut: kuke, piped
 * (so that no progress poll makes traffic of its own), reports the outcome the work really had.
 */
class LongCallsTest extends AgainstTestDaemon {
    private static final Duration IDLE = Duration.ofSeconds(2);
    /** Three idle timeouts: a call this long was cut at the first one before. */
    private static final Duration LONG = IDLE.multipliedBy(3);
    private static final String IMAGE = "registry.example:5000/slow:1";

    @Override
    Map<String, String> daemonFlags() {
        return Map.of("api-idle-timeout", IDLE.toMillis() + "ms", "api-keepalive", "500ms");
    }

    @BeforeEach
    void init() {
        ok("init");
    }

    @Test
    void anApplyWaitingOnAPullLongerThanTheIdleTimeoutSucceedsAtTheClient() throws Exception {
        daemon.runtime.holdPull(IMAGE);
        long start = System.nanoTime();
        BackgroundKuke apply = new BackgroundKuke(env, false, "apply", "-f", manifest("slow.yaml", cell("slow", IMAGE, "sleep")));
        Thread.sleep(LONG.toMillis());
        daemon.runtime.releasePull(IMAGE);
        assertEquals(0, apply.join(), apply.out() + apply.err());
        assertTrue(System.nanoTime() - start >= LONG.toNanos(), "the apply waited for the pull");
        assertEquals("Cell \"slow\": created\n", apply.out());
        assertEquals("", apply.err());
        KukeRun get = ok("get", "cell", "slow", "-o", "yaml");
        assertTrue(get.out().contains("state: Ready"), get.out());
    }

    @Test
    void aCascadeDeleteLongerThanTheIdleTimeoutSucceedsAtTheClient() throws Exception {
        String stack = """
                apiVersion: v1beta1
                kind: Stack
                metadata: {name: web}
                spec: {id: web, realmId: default, spaceId: default}
                """;
        ok("apply", "-f", manifest("web.yaml",
                stack + "---\n" + cell("c1", "busybox", "slow-delete=" + LONG.toMillis()).replace("stackId: default", "stackId: web")));
        long start = System.nanoTime();
        KukeRun delete = kuke("delete", "stack", "web", "--cascade");
        assertEquals(0, delete.exit(), delete.out() + delete.err());
        assertTrue(System.nanoTime() - start >= LONG.toNanos(), "the delete waited for the slow container");
        assertEquals("""
                Deleted container "app" from cell "c1"
                Deleted container "root" from cell "c1"
                Deleted cell "c1" from stack "web"
                Deleted stack "web" from space "default"
                """, delete.out());
        assertEquals("", delete.err());
        assertTrue(daemon.runtime.containers().isEmpty(), "the cell's containers are gone: " + daemon.runtime.containers());
        KukeRun get = kuke("get", "stack", "web");
        assertTrue(get.exit() != 0 && get.err().contains("not found"), get.out() + get.err());
    }

    private static String cell(String name, String image, String arg) {
        return """
                apiVersion: v1beta1
                kind: Cell
                metadata: {name: %s}
                spec:
                  id: %s
                  realmId: default
                  spaceId: default
                  stackId: default
                  containers:
                  - {id: app, image: "%s", args: ["%s"]}
                """.formatted(name, name, image, arg);
    }

    private String manifest(String file, String yaml) throws Exception {
        Path p = work.resolve(file);
        Files.writeString(p, yaml);
        return p.toString();
    }
}
