package io.kukeon.fleet;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;

/**
 * The seal on a call one member routes to another. Artery delivers a message to a known actor path
 * from anyone who reaches the cluster port, member or not; a call runs only when its seal, an HMAC
 * of the call under a key derived from the fleet's secret (a key that never crosses the network),
 * is right and recent. Recent: within {@link #WINDOW} of the receiver's clock (hosts keep time
 * with NTP), so a call copied off the wire cannot be played again later.
 */
final class CallSeal {
    static final Duration WINDOW = Duration.ofSeconds(60);

    private final SecretKeySpec key;
    private final Clock clock;

    CallSeal(String callKey, Clock clock) {
        this.key = new SecretKeySpec(HexFormat.of().parseHex(callKey), "HmacSHA256");
        this.clock = clock;
    }

    /** The seal of a call made now, and when: {@code [sentAtMillis, mac]}. */
    Sealed seal(String method, byte[] request) {
        long now = clock.millis();
        return new Sealed(now, mac(method, request, now));
    }

    /** Why the call must not run, or null when its seal is right and recent. */
    String problem(String method, byte[] request, long sentAtMillis, byte[] seal) {
        if (seal == null || !MessageDigest.isEqual(seal, mac(method, request, sentAtMillis))) {
            return "the call's seal is wrong: the sender does not hold this fleet's secret";
        }
        if (Math.abs(clock.millis() - sentAtMillis) > WINDOW.toMillis()) {
            return "the call was sealed more than " + WINDOW.toSeconds() + "s from this node's clock: a replay, or"
                    + " the hosts' clocks differ (keep them in time with NTP)";
        }
        return null;
    }

    record Sealed(long sentAtMillis, byte[] mac) {}

    private byte[] mac(String method, byte[] request, long sentAtMillis) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] name = method.getBytes(StandardCharsets.UTF_8);
            mac.update(ByteBuffer.allocate(12).putLong(sentAtMillis).putInt(name.length).flip());
            mac.update(name);
            return mac.doFinal(request);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has HmacSHA256", e);
        }
    }
}
