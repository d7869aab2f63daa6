package io.kukeon.cli;

import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;

import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * The CLI speaks through its own one-line messages, not through library logs. Netty is pointed
 * at java.util.logging before it looks for SLF4J (which would start logback, slow and noisy), and
 * java.util.logging is silenced unless {@code KUKEON_DEBUG} is set. Only in the kuke process
 * ({@link #wanted}, set by main: a JVM that merely calls {@link Kuke#run} keeps its logging), and
 * only when the first connection is made, so commands that never connect do not pay for it.
 */
final class QuietLogging {
    static volatile boolean wanted;

    private QuietLogging() {}

    static void install() {
        if (!wanted) {
            return;
        }
        InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
        if (System.getenv("KUKEON_DEBUG") == null) {
            LogManager.getLogManager().reset();
            Logger.getLogger("").setLevel(Level.OFF);
        }
    }
}
