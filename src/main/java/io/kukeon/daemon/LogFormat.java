package io.kukeon.daemon;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import io.kukeon.model.InvalidArgumentException;
import org.slf4j.LoggerFactory;

import java.util.Iterator;
import java.util.Locale;

/** How kukeond writes its log: logback.xml's lines, or one JSON object per line (logback's JsonEncoder) for log shippers. */
public enum LogFormat {
    TEXT, JSON;

    static LogFormat parse(String key, String value) {
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException(key, "\"" + value + "\" must be text or json");
        }
    }

    /** Switches the root logger's stream appenders (stdout in logback.xml) to this format; text leaves them as configured. */
    void apply() {
        if (this == TEXT || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        for (Iterator<Appender<ILoggingEvent>> it = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders();
             it.hasNext(); ) {
            if (it.next() instanceof OutputStreamAppender<ILoggingEvent> stream) {
                JsonEncoder json = new JsonEncoder();
                json.setContext(context);
                json.setWithFormattedMessage(true);   // the line as text shows it, beside the pattern and its arguments
                json.setWithContext(false);           // the same on every line
                json.start();
                stream.stop();
                stream.setEncoder(json);
                stream.start();
            }
        }
    }
}
