package io.kukeon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every {@code -o} of every command that prints objects or records, against a kukeond on fake
 * runtime ports: yaml and json parse, name prints one {@code kind/path} per line, jsonpath picks
 * what the json holds, and a template outside the subset is a usage error naming it.
 */
class OutputAgainstDaemonTest extends AgainstTestDaemon {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonNode json(String... args) throws Exception {
        return JSON.readTree(ok(args).out());
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> yaml(String... args) {
        List<Map<String, Object>> docs = new ArrayList<>();
        new Yaml().loadAll(ok(args).out()).forEach(d -> docs.add((Map<String, Object>) d));
        return docs;
    }

    private static String[] with(String[] command, String... output) {
        String[] all = new String[command.length + output.length];
        System.arraycopy(command, 0, all, 0, command.length);
        System.arraycopy(output, 0, all, command.length, output.length);
        return all;
    }

    /** yaml, json and name agree on how many records there are, and json's jsonpath on the first. */
    private JsonNode everyFormatAgrees(String firstField, String... command) throws Exception {
        JsonNode items = json(with(command, "-o", "json")).get("items");
        assertTrue(items.size() > 0, String.join(" ", command));
        assertEquals(items.size(), yaml(with(command, "-o", "yaml")).size(), String.join(" ", command));
        assertEquals(items.size(), ok(with(command, "-o", "name")).out().lines().count(), String.join(" ", command));
        assertEquals(items.get(0).get(firstField).asText(),
                ok(with(command, "-o", "jsonpath={.items[0]." + firstField + "}")).out(), String.join(" ", command));
        return items;
    }

    @Test
    void getPrintsNamesAndTemplates() throws Exception {
        ok("apply", "-f", example("hello-world.yaml"));
        assertEquals("cell/default/default/default/hello-world\n", ok("get", "cells", "-o", "name").out());
        assertEquals(List.of("container/default/default/default/hello-world/fetch", "container/default/default/default/hello-world/root",
                        "container/default/default/default/hello-world/web"),
                ok("get", "containers", "--cell", "hello-world", "-o", "name").out().lines().sorted().toList());
        assertEquals("hello-world", ok("get", "cell", "hello-world", "-o", "jsonpath={.metadata.name}").out());
        assertEquals("hello-world Ready\n", ok("get", "cells", "-o",
                "jsonpath={range .items[*]}{.metadata.name} {.status.state}{\"\\n\"}{end}").out());
        assertEquals("realm/default\n", ok("get", "realms", "-o", "name").out());
        everyFormatAgrees("kind", "get", "cells");
    }

    @Test
    void aTemplateOutsideTheSubsetIsAUsageErrorNamingIt() {
        KukeRun r = kuke("get", "cells", "-o", "jsonpath={.items[?(@.x)]}");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("jsonpath '{.items[?(@.x)]}' is not supported"), r.err());
        KukeRun unknown = kuke("events", "-o", "xml");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("'xml' is not an output format"), unknown.err());
    }

    @Test
    void eventsStatusImagesAndVersionAreRecords() throws Exception {
        ok("apply", "-f", example("hello-world.yaml"));

        JsonNode events = everyFormatAgrees("type", "events");
        assertTrue(ok("events", "-o", "name").out().lines().allMatch(l -> l.matches("event/\\d+")));
        assertTrue(ok("events", "-o", "jsonpath={.items[*].type}").out().contains("CellCreated"), events.toString());
        assertEquals("default/default/default/hello-world", ok("events", "cell/hello-world", "-o", "jsonpath={.items[0].path}").out());

        JsonNode checks = everyFormatAgrees("level", "status");
        checks.forEach(c -> assertTrue(List.of("OK", "WARN", "FAIL").contains(c.get("level").asText()), c.toString()));
        assertTrue(ok("status", "-o", "name").out().lines().allMatch(l -> l.startsWith("check/")));

        JsonNode images = everyFormatAgrees("name", "image", "ls");
        assertEquals("default", images.get(0).get("realm").asText());
        assertTrue(ok("image", "ls", "-o", "name").out().startsWith("image/default/"));

        JsonNode version = json("version", "-o", "json");
        assertEquals(ClientVersion.get(), version.get("client").get("version").asText());
        // the same build on both sides: the commit it was made from, carried on the wire
        assertEquals(io.kukeon.build.BuildInfo.commit(), version.get("client").get("commit").asText());
        assertEquals(io.kukeon.build.BuildInfo.commit(), version.get("server").get("commit").asText());
        String table = ok("version").out();
        assertTrue(table.contains("Server: kukeond " + version.get("server").get("version").asText() + " (commit "
                + io.kukeon.build.BuildInfo.commit() + ", API "), table);
        String server = version.get("server").get("version").asText();
        assertFalse(server.isEmpty());
        assertEquals(server, yaml("version", "-o", "yaml").get(0).get("server") instanceof Map<?, ?> m ? m.get("version") : null);
        assertEquals("version/" + server + "\n", ok("version", "-o", "name").out());
        assertEquals(server, ok("version", "-o", "jsonpath={.server.version}").out());
    }

    @Test
    void topPrintsTheCgroupFiguresOfEachCellOrContainer() throws Exception {
        ok("apply", "-f", example("hello-world.yaml"));
        String table = ok("top").out();
        assertTrue(table.startsWith("CELL"), table);
        assertTrue(table.lines().skip(1).findFirst().orElse("").startsWith("default/default/default/hello-world "), table);

        JsonNode cell = everyFormatAgrees("path", "top").get(0);
        assertEquals("Cell", cell.get("kind").asText());
        // the fake cgroups' figures, and no time spent
        assertEquals(4096, cell.get("memoryBytes").asLong());
        assertEquals(1, cell.get("pids").asLong());
        assertEquals(0.0, cell.get("cpuPercent").asDouble());
        assertEquals(0, cell.get("restarts").asInt());
        assertEquals("cell/default/default/default/hello-world\n", ok("top", "-o", "name").out());

        JsonNode containers = everyFormatAgrees("path", "top", "containers", "--cell", "hello-world", "--sort", "name");
        assertEquals(3, containers.size());
        assertEquals("default/default/default/hello-world/fetch", containers.get(0).get("path").asText());
        KukeRun get = kuke("get", "cells", "--realm", "nowhere");
        KukeRun top = kuke("top", "--realm", "nowhere");
        assertEquals(List.of(get.exit(), get.err()), List.of(top.exit(), top.err()), "top narrows as get does");
        assertEquals("No cells found in stack \"other\".\n", ok("top", "--stack", "other").out());
        assertEquals(2, kuke("top", "realms").exit());
    }

    @Test
    void watchedTopWithoutATerminalPrintsANewTableEachTime() throws Exception {
        ok("apply", "-f", example("hello-world.yaml"));
        BackgroundKuke top = background("top", "-w");
        top.awaitOut("hello-world");
        top.awaitOut("\n\nCELL ");
        top.stop();
        assertFalse(top.out().contains("\033["), "no cursor movement into a pipe");
    }

    @Test
    void secretsVolumesAndTemplatesAreNamedByScope() {
        ok("init");
        ok("create", "secret", "db", "--from-literal", "x");
        assertEquals("secret/default/db\n", ok("get", "secrets", "-o", "name").out());
        assertEquals("db", ok("get", "secrets", "-o", "jsonpath={.items[0].metadata.name}").out());
    }
}
