package io.kukeon.api;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.apache.pekko.http.impl.engine.parsing.ParsingException;
import org.slf4j.Marker;

/**
 * Drops the stack trace pekko-http logs when a peer sends HTTP it cannot parse (an oversized header,
 * say): that is the client's mistake, and pekko-http says so again in one line ("HTTP2 connection
 * failed with error [...]"). Installed by {@code conf/logback.xml}.
 */
public final class PeerParsingLogFilter extends TurboFilter {
    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        return t instanceof ParsingException ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}
