package io.kukeon.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonPathTest {
    private static final Map<String, Object> LIST = Map.of("items", List.of(
            cell("web", "Ready", 2L), cell("db", "Failed", 0L)));

    private static Map<String, Object> cell(String name, String state, long restarts) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("kind", "Cell");
        doc.put("metadata", Map.of("name", name));
        doc.put("status", new LinkedHashMap<>(Map.of("state", state, "restarts", restarts)));
        return doc;
    }

    private static String apply(String template, Object root) {
        return JsonPath.parse(template).apply(root);
    }

    @Test
    void fieldsOfEveryItemAreSeparatedBySpaces() {
        assertEquals("web db", apply("{.items[*].metadata.name}", LIST));
        assertEquals("db", apply("{.items[1].metadata.name}", LIST));
        assertEquals("Ready", apply("{.status.state}", cell("web", "Ready", 0L)));
        assertEquals("2 0", apply("{$.items[*].status.restarts}", LIST));
    }

    @Test
    void rangeRepeatsItsBodyPerElementWithLiterals() {
        assertEquals("web\tReady\ndb\tFailed\n",
                apply("{range .items[*]}{.metadata.name}{\"\\t\"}{.status.state}{\"\\n\"}{end}", LIST));
        assertEquals("names: web, db, ", apply("names: {range .items[*]}{@.metadata.name}, {end}", LIST));
    }

    @Test
    void mapsPrintAsJsonAndAbsentKeysAsNothing() {
        assertEquals("{\n  \"name\": \"web\"\n}", apply("{.items[0].metadata}", LIST));
        assertEquals("", apply("{.items[*].spec.image}", LIST));
        assertEquals("", apply("{.items[7].metadata.name}", LIST));
    }

    @Test
    void anythingOutsideTheSubsetIsRefusedNamingTheExpression() {
        for (String bad : List.of("{.items[?(@.a==1)]}", "{.items[1:2]}", "{.a..b}", "{range .items[*]}{.a}",
                "{end}", "{.a", "{\"unclosed}", "{metadata.name}", "{}", "{.items['x']}")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsonPath.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("jsonpath '" + bad + "' is not supported: "), e.getMessage());
            assertTrue(e.getMessage().contains(JsonPath.SUPPORTED), e.getMessage());
        }
    }

    @Test
    void theOutputOptionParsesFormatsAndTemplates() {
        Output.Parse parse = new Output.Parse();
        assertEquals(OutputFormat.name, parse.convert("name").format());
        assertEquals("web db", parse.convert("jsonpath={.items[*].metadata.name}").jsonPath().apply(LIST));
        assertTrue(assertThrows(CommandLine.TypeConversionException.class, () -> parse.convert("xml")).getMessage()
                .contains("table, wide, yaml, json, name, jsonpath=TEMPLATE"));
        assertThrows(CommandLine.TypeConversionException.class, () -> parse.convert("jsonpath"));
        assertThrows(CommandLine.TypeConversionException.class, () -> parse.convert("jsonpath={.a[?(x)]}"));
    }
}
