package io.kukeon.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Completion of {@code kuke events KIND/NAME} from a kukeond on fake runtime ports: the kinds with
 * their slash, then that kind's objects by full path and, in the scope the flags point to, by name.
 */
class EventsCompletionAgainstDaemonTest extends AgainstTestDaemon {

    private List<String> complete(String... words) {
        String[] line = new String[words.length + 2];
        line[0] = "__complete";
        line[1] = "--";
        System.arraycopy(words, 0, line, 2, words.length);
        KukeRun r = ok(line);
        return r.out().lines().toList();
    }

    private void cells() throws Exception {
        Path file = work.resolve("cells.yaml");
        StringBuilder yaml = new StringBuilder();
        for (String stack : List.of("default/default/default", "r2/s/t")) {
            String[] s = stack.split("/");
            for (String cell : List.of("web", "worker")) {
                yaml.append("---\napiVersion: v1beta1\nkind: Cell\nmetadata: {name: ").append(cell)
                        .append("}\nspec:\n  realmId: ").append(s[0]).append("\n  spaceId: ").append(s[1])
                        .append("\n  stackId: ").append(s[2]).append("\n  containers:\n")
                        .append("  - {id: app, image: docker.io/library/busybox:latest, command: sleep, args: ['1d']}\n");
            }
        }
        Files.writeString(file, yaml.toString());
        ok("apply", "-f", file.toString());
    }

    @Test
    void theKindComesFirstWithItsSlash() {
        assertEquals(List.of("cell/", "container/", "realm/", "space/", "stack/"), complete("events", ""));
        assertEquals(List.of("space/", "stack/"), complete("events", "s"));
        assertEquals(List.of(), complete("events", "nokind/"), "an unknown kind completes nothing");
    }

    @Test
    void thenTheObjectsOfThatKindByPathAndInTheScopeByName() throws Exception {
        cells();
        assertEquals(List.of("cell/default/default/default/web", "cell/default/default/default/worker",
                "cell/r2/s/t/web", "cell/r2/s/t/worker", "cell/web", "cell/worker"), complete("events", "cell/"));
        assertEquals(List.of("cells/web", "cells/worker"), complete("events", "cells/w"), "the kind as typed");
        assertEquals(List.of("cell/r2/s/t/web", "cell/r2/s/t/worker", "cell/web", "cell/worker"),
                complete("events", "--realm", "r2", "--space", "s", "--stack", "t", "cell/"), "narrowed by the flags");
        assertEquals(List.of("realm/default", "realm/r2"), complete("events", "realm/"));
        assertEquals(List.of("container/r2/s/t/web/app", "container/r2/s/t/web/root"),
                complete("events", "container/r2/s/t/web"), "its container and the root one kukeond adds");
        assertEquals(List.of("container/app", "container/r2/s/t/web/app", "container/r2/s/t/web/root", "container/root"),
                complete("events", "--realm", "r2", "--space", "s", "--stack", "t", "--cell", "web", "container/"),
                "a container by name only with its cell");
    }
}
