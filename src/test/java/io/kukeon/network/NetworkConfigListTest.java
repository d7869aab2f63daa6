package io.kukeon.network;

import io.kukeon.model.InvalidArgumentException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A user's conflist ({@code spec.cniConfigPath}): read, checked, and what each plugin is given. */
class NetworkConfigListTest {
    private static final String FIELD = "spec.cniConfigPath";
    @TempDir
    Path dir;

    private String rejection(String json) throws Exception {
        Path file = dir.resolve("net.conflist");
        Files.writeString(file, json);
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> NetworkConfigList.read(file, FIELD), json);
        assertEquals(FIELD, e.field());
        assertTrue(e.getMessage().startsWith(FIELD + ": " + file + ": "), e.getMessage());
        return e.getMessage().substring((FIELD + ": " + file + ": ").length());
    }

    @Test
    void readsAValidConflist() throws Exception {
        Path file = dir.resolve("ok.conflist");
        Files.writeString(file, """
                {"cniVersion": "0.4.0", "name": "my.net_1", "disableCheck": true,
                 "plugins": [{"type": "ptp", "ipam": {"type": "static"}}, {"type": "tuning"}]}""");

        NetworkConfigList list = NetworkConfigList.read(file, FIELD);

        assertEquals("my.net_1", list.name());
        assertEquals("0.4.0", list.cniVersion());
        assertTrue(list.disableCheck());
        assertEquals(List.of("ptp", "tuning"), list.plugins().stream().map(PluginConfig::type).toList());
        assertEquals(null, list.bridgeName());
    }

    @Test
    void namesTheRuleABadConflistBreaks() throws Exception {
        assertEquals("is not a JSON object (a CNI network configuration list)", rejection("[1, 2"));
        assertTrue(rejection("{\"cniVersion\": \"1.0.0\", \"plugins\": [{\"type\": \"bridge\"}]}").startsWith("\"name\" must be"));
        assertTrue(rejection("{\"name\": \"../x\", \"cniVersion\": \"1.0.0\", \"plugins\": [{\"type\": \"bridge\"}]}").startsWith("\"name\" must be"));
        assertEquals("\"cniVersion\" \"2.0\" is not one of 0.3.0, 0.3.1, 0.4.0, 1.0.0, 1.1.0",
                rejection("{\"name\": \"n\", \"cniVersion\": \"2.0\", \"plugins\": [{\"type\": \"bridge\"}]}"));
        assertEquals("\"plugins\" must be a list of 1-16 plugin configs", rejection("{\"name\": \"n\", \"cniVersion\": \"1.0.0\", \"plugins\": []}"));
        assertEquals("\"plugins\" must be a list of 1-16 plugin configs", rejection("{\"name\": \"n\", \"cniVersion\": \"1.0.0\", \"type\": \"bridge\"}"));
        assertEquals("plugins[1] must be an object with a \"type\" naming the plugin's executable",
                rejection("{\"name\": \"n\", \"cniVersion\": \"1.0.0\", \"plugins\": [{\"type\": \"bridge\"}, {\"bridge\": \"x\"}]}"));
        assertEquals("plugins[0] must be an object with a \"type\" naming the plugin's executable",
                rejection("{\"name\": \"n\", \"cniVersion\": \"1.0.0\", \"plugins\": [{\"type\": \"../../bin/sh\"}]}"));
    }

    @Test
    void aMissingOrHugeFileIsAClearError() throws Exception {
        Path missing = dir.resolve("missing.conflist");
        assertEquals(FIELD + ": " + missing + " is not a readable file",
                assertThrows(InvalidArgumentException.class, () -> NetworkConfigList.read(missing, FIELD)).getMessage());

        Path huge = dir.resolve("huge.conflist");
        Files.writeString(huge, " ".repeat(NetworkConfigList.MAX_BYTES + 1));
        assertTrue(assertThrows(InvalidArgumentException.class, () -> NetworkConfigList.read(huge, FIELD)).getMessage()
                .endsWith("is larger than 65536 bytes; a CNI conflist is far smaller"));
    }

    @Test
    void eachPluginReadsTheListsNameAndVersionAndOnlyTheRuntimeConfigItDeclares() {
        NetworkConfigList list = NetworkConfigList.parse("""
                {"cniVersion": "1.0.0", "name": "n", "plugins": [
                  {"type": "a", "name": "other", "cniVersion": "0.3.1", "runtimeConfig": {"x": 1}},
                  {"type": "b", "capabilities": {"portMappings": true, "bandwidth": true}}]}""", "test");
        var runtimeConfig = CniJson.object("{\"portMappings\": [{\"hostPort\": 1}], \"ips\": [\"10.0.0.2\"]}");
        var prev = CniJson.object("{\"cniVersion\": \"1.0.0\", \"ips\": []}");

        var first = list.pluginInput(0, runtimeConfig, null);
        var second = list.pluginInput(1, runtimeConfig, prev);

        assertEquals("n", first.path("name").asText());
        assertEquals("1.0.0", first.path("cniVersion").asText());
        assertFalse(first.has("runtimeConfig"), "a runtimeConfig in the file is never passed on");
        assertFalse(first.has("prevResult"));
        assertEquals(CniJson.object("{\"portMappings\": [{\"hostPort\": 1}]}"), second.get("runtimeConfig"));
        assertEquals(prev, second.get("prevResult"));
    }
}
