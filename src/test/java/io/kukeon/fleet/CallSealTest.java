package io.kukeon.fleet;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A routed call runs only under a recent seal made with the fleet's call key. */
class CallSealTest {
    private static final String KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    private static final String OTHER_KEY = "ff112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    private static final Instant NOW = Instant.parse("2026-12-07T03:00:00Z");
    private final byte[] request = "a request".getBytes(StandardCharsets.UTF_8);

    @Test
    void aSealOfTheSameKeyMadeNowIsRight() {
        CallSeal.Sealed sealed = at(KEY, NOW).seal("Get", request);
        assertNull(at(KEY, NOW.plusSeconds(5)).problem("Get", request, sealed.sentAtMillis(), sealed.mac()));
    }

    @Test
    void anotherKeyAnotherCallOrAnotherRequestIsRefused() {
        CallSeal.Sealed sealed = at(OTHER_KEY, NOW).seal("Get", request);
        assertTrue(at(KEY, NOW).problem("Get", request, sealed.sentAtMillis(), sealed.mac()).contains("seal is wrong"));
        CallSeal.Sealed ours = at(KEY, NOW).seal("Get", request);
        assertTrue(at(KEY, NOW).problem("Delete", request, ours.sentAtMillis(), ours.mac()).contains("seal is wrong"));
        assertTrue(at(KEY, NOW).problem("Get", "another".getBytes(StandardCharsets.UTF_8), ours.sentAtMillis(), ours.mac())
                .contains("seal is wrong"));
        assertTrue(at(KEY, NOW).problem("Get", request, ours.sentAtMillis() + 1, ours.mac()).contains("seal is wrong"),
                "the time is sealed too");
        assertTrue(at(KEY, NOW).problem("Get", request, ours.sentAtMillis(), null).contains("seal is wrong"));
    }

    @Test
    void aSealOlderThanTheWindowIsRefused() {
        CallSeal.Sealed sealed = at(KEY, NOW).seal("Stop", request);
        String late = at(KEY, NOW.plus(CallSeal.WINDOW).plusSeconds(1)).problem("Stop", request, sealed.sentAtMillis(), sealed.mac());
        assertTrue(late.contains("replay"), late);
        assertNull(at(KEY, NOW.plus(CallSeal.WINDOW)).problem("Stop", request, sealed.sentAtMillis(), sealed.mac()));
    }

    private static CallSeal at(String key, Instant now) {
        return new CallSeal(key, Clock.fixed(now, ZoneOffset.UTC));
    }
}
