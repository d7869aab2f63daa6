package io.kukeon.daemon;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** kukeond's log set up in code ({@link DaemonLogging}) is conf/logback.xml's: the same loggers, levels, appender and lines. */
class DaemonLoggingTest {
    private static final Path XML = Path.of(System.getProperty("kukeon.projectDir", "."), "conf", "logback.xml");

    @Test
    void setsTheLevelsAndTheLinesOfLogbackXml() throws Exception {
        LoggerContext fromXml = new LoggerContext();
        JoranConfigurator joran = new JoranConfigurator();
        joran.setContext(fromXml);
        joran.doConfigure(XML.toFile());
        LoggerContext inCode = new LoggerContext();
        DaemonLogging.setUp(inCode);

        List<String> named = new ArrayList<>();
        for (Logger logger : fromXml.getLoggerList()) {
            if (logger.getLevel() != null) {
                named.add(logger.getName());
                assertEquals(logger.getLevel(), inCode.getLogger(logger.getName()).getLevel(), logger.getName());
            }
        }
        for (Logger logger : inCode.getLoggerList()) {
            assertTrue(logger.getLevel() == null || named.contains(logger.getName()), logger.getName() + " is not in logback.xml");
        }
        assertEquals(DaemonLogging.LEVELS.size() + 1, named.size(), "the root and each named logger: " + named);
        assertEquals(Level.INFO, inCode.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel());

        LoggingEvent event = new LoggingEvent(getClass().getName(), inCode.getLogger("io.kukeon.supervisor.container.ContainerActor"),
                Level.WARN, "container {} exited with {}", null, new Object[] {"web/app", 137});
        assertEquals(line(fromXml, event), line(inCode, event));
        assertTrue(line(inCode, event).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\S+ WARN  "
                + "i\\.k\\.s\\.c\\.ContainerActor - container web/app exited with 137\\n"), line(inCode, event));
    }

    @Test
    void setsTheLogUpUnlessAConfigurationFileIsNamed() {
        String before = System.getProperty("logback.configurationFile");   // surefire names logback-test.xml
        try {
            System.clearProperty("logback.configurationFile");
            LoggerContext context = new LoggerContext();
            assertEquals(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY, configure(context));
            assertTrue(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext());

            System.setProperty("logback.configurationFile", XML.toString());
            LoggerContext named = new LoggerContext();
            assertEquals(Configurator.ExecutionStatus.NEUTRAL, configure(named), "logback reads the file named");
            assertFalse(named.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext());
        } finally {
            if (before == null) {
                System.clearProperty("logback.configurationFile");
            } else {
                System.setProperty("logback.configurationFile", before);
            }
        }
    }

    private static Configurator.ExecutionStatus configure(LoggerContext context) {
        DaemonLogging logging = new DaemonLogging();
        logging.setContext(context);
        return logging.configure(context);
    }

    @Test
    void isTheConfiguratorLogbackFinds() {
        assertTrue(ServiceLoader.load(Configurator.class).stream().anyMatch(p -> p.type() == DaemonLogging.class));
    }

    /** What the root's one appender, the console, writes for the event. */
    private static String line(LoggerContext context, LoggingEvent event) {
        List<Appender<?>> appenders = new ArrayList<>();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders().forEachRemaining(appenders::add);
        assertEquals(1, appenders.size());
        ConsoleAppender<?> console = assertInstanceOf(ConsoleAppender.class, appenders.get(0));
        assertEquals("STDOUT", console.getName());
        assertEquals("System.out", console.getTarget());
        PatternLayoutEncoder encoder = assertInstanceOf(PatternLayoutEncoder.class, console.getEncoder());
        return new String(encoder.encode(event), StandardCharsets.UTF_8);
    }
}
