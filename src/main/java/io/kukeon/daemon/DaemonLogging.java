package io.kukeon.daemon;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

import java.util.Map;

/**
 * kukeond's log set up in code, as {@code conf/logback.xml} says (the same appender, pattern and
 * levels; {@code DaemonLoggingTest} holds them equal): logback's XML configurator would load ~400
 * classes of its own and of the JDK's XML parser, ~2 MiB of kukeond's resident set
 * (docs/benchmarks.md, "Resident set"). Found by logback as a service; it steps aside when
 * {@code -Dlogback.configurationFile} names a configuration, which logback then reads as before.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class DaemonLogging extends ContextAwareBase implements Configurator {
    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX} %-5level %logger{24} - %msg%n";

    /** The libraries' loggers kukeond quiets; see conf/logback.xml for why each. */
    static final Map<String, Level> LEVELS = Map.of(
            "com.zaxxer.hikari", Level.WARN,
            "com.zaxxer.hikari.pool.PoolBase", Level.ERROR,
            "com.zaxxer.hikari.pool.ProxyConnection", Level.ERROR,
            "slick", Level.WARN,
            "io.grpc", Level.WARN,
            "io.netty", Level.WARN,
            "io.netty.bootstrap.Bootstrap", Level.ERROR,
            "org.apache.pekko.persistence.jdbc", Level.WARN);

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.NEUTRAL;
        }
        setUp(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** conf/logback.xml's appender, pattern and levels. */
    static void setUp(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stdout = new ConsoleAppender<>();
        stdout.setContext(context);
        stdout.setName("STDOUT");
        stdout.setEncoder(encoder);
        stdout.start();
        LEVELS.forEach((name, level) -> context.getLogger(name).setLevel(level));
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(stdout);
    }
}
