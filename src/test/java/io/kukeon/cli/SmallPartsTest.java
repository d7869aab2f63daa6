package io.kukeon.cli;

import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Kind;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SmallPartsTest {

    @Test
    void agesReadLikeKubectls() {
        assertEquals("0s", Age.of(Duration.ofSeconds(-5)));
        assertEquals("119s", Age.of(Duration.ofSeconds(119)));
        assertEquals("2m", Age.of(Duration.ofSeconds(120)));
        assertEquals("179m", Age.of(Duration.ofMinutes(179)));
        assertEquals("3h", Age.of(Duration.ofHours(3)));
        assertEquals("2d", Age.of(Duration.ofHours(48)));
        assertEquals("2y", Age.of(Duration.ofDays(800)));
        assertEquals("-", Age.since("", Instant.EPOCH));
        assertEquals("-", Age.since("yesterday", Instant.EPOCH));
    }

    @Test
    void durationsTakeUnitsOrBareSeconds() {
        assertEquals(Duration.ofSeconds(30), Durations.parse("30"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("30s"));
        assertEquals(Duration.ofMinutes(5), Durations.parse("5m"));
        assertEquals(Duration.ofHours(2), Durations.parse("2h"));
        assertEquals(Duration.ofDays(1), Durations.parse("1d"));
        assertEquals(Duration.ofMillis(250), Durations.parse("250ms"));
        assertThrows(picocli.CommandLine.TypeConversionException.class, () -> Durations.parse("-1s"));
        assertThrows(picocli.CommandLine.TypeConversionException.class, () -> Durations.parse("1w"));
    }

    @Test
    void logLinesSplitAcrossChunksArePrintedWholeAndPrefixed() {
        StringWriter s = new StringWriter();
        LogPrinter p = new LogPrinter(new PrintWriter(s), true);
        byte[] e = "é".getBytes(StandardCharsets.UTF_8);
        p.accept("web", new byte[] {'h', 'i', ' ', e[0]});
        p.accept("fetch", "hello from kukeon\nsecond".getBytes(StandardCharsets.UTF_8));
        p.accept("web", new byte[] {e[1], '\n'});
        p.finish();
        assertEquals("[fetch] hello from kukeon\n[web] hi é\n[fetch] second\n", s.toString());
    }

    @Test
    void scopeBuildsPathsAndMessages() {
        Scope s = new Scope();
        s.realm = "r";
        s.space = "s";
        s.stack = "st";
        assertEquals("r/s/st/web", s.path(Kind.CELL, "web", null).toString());
        assertEquals("r/s/st/web/app", s.path(Kind.CONTAINER, "app", "web").toString());
        assertEquals("stack \"st\"", s.describeParent(Kind.CELL, null));
        assertEquals("cell \"web\"", s.describeParent(Kind.CONTAINER, "web"));
        assertEquals(null, s.describeParent(Kind.REALM, null));
    }

    @Test
    void aScopeFilterNarrowsAtTheLevelOfEachFlagGivenAndTheDaemonToTheLeadingOnes() {
        ScopeFilter everywhere = new ScopeFilter(null, null, null);
        assertTrue(everywhere.isEverywhere());
        assertEquals("", everywhere.prefix(3));
        assertTrue(everywhere.matches("r1/s/st/web"));
        assertTrue(everywhere.matches(""), "the host's own events too");
        assertEquals("", everywhere.where());

        ScopeFilter stackOnly = new ScopeFilter(null, null, "web");
        assertEquals("", stackOnly.prefix(3), "no realm given: the daemon lists everywhere");
        assertTrue(stackOnly.matches("r1/s/web/c1"));
        assertTrue(stackOnly.matches("r2/other/web"));
        assertFalse(stackOnly.matches("r1/s/db/c1"));
        assertFalse(stackOnly.matches("r1/s"), "a space is not in any stack");
        assertEquals(" in stack \"web\"", stackOnly.where());
        assertEquals("--stack", stackOnly.deepestFlag());

        ScopeFilter realmAndStack = new ScopeFilter("r1", null, "web", null);
        assertEquals("r1", realmAndStack.prefix(3));
        assertEquals("", realmAndStack.prefix(0), "a realm has no parent to narrow to");
        assertTrue(realmAndStack.matches("r1/any/web/c"));
        assertFalse(realmAndStack.matches("r2/any/web/c"));
        assertEquals(" in realm \"r1\", stack \"web\"", realmAndStack.where());

        assertEquals("r1/s", new ScopeFilter("r1", "s", "st").prefix(2));
        assertEquals("r1/s/st/c", new ScopeFilter("r1", "s", "st", "c").prefix(4));

        InvalidArgumentException bad = assertThrows(InvalidArgumentException.class, () -> new ScopeFilter(null, "a_b"));
        assertTrue(bad.getMessage().startsWith("--space: \"a_b\" must be"), bad.getMessage());
    }

    @Test
    void deletedLinesNameTheParent() {
        assertEquals("Deleted cell \"web\" from stack \"default\"", DeleteCommand.deleted("default/default/default/web"));
        assertEquals("Deleted realm \"r\"", DeleteCommand.deleted("r"));
    }

    @Test
    void tableRowsKeepTheirColumnsWhenPrintedLater() {
        Table t = new Table(List.of("NAME", "STATE")).add(List.of("a", "Ready"));
        int[] w = t.widths(true);
        assertEquals("NAME   STATE\na      Ready\n", t.render());
        assertEquals("longer-name   Deleted", Table.line(List.of("longer-name", "Deleted"), w));
    }
}
