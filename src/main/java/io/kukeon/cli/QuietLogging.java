package io.kukeon.cli;

import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;

import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * The CLI speaks through its own one-line messages, not through library logs. Netty is pointed
 * at java.util.logging before it looks for SLF4J (which would start logback, slow and noisy), and
 * java.util.logging is silenced unless {@code KUKEON_DEBUG} is set.
 */
final class QuietLogging {
    private QuietLogging() {}

    static void install() {
        InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
        if (System.getenv("KUKEON_DEBUG") == null) {
            LogManager.getLogManager().reset();
            Logger.getLogger("").setLevel(Level.OFF);
        }
    }
}
