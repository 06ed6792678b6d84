package io.drover.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

/**
 * Keeps every log line written in this JVM as the console shows it: its message and its throwable, through the
 * same converters (logback.xml's, which mask secrets), on one line.
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private PatternLayout layout;

    static LogCapture install() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        LogCapture capture = new LogCapture();
        capture.setContext(context);
        capture.setName("test-capture");
        capture.layout = new PatternLayout();
        capture.layout.setContext(context);
        capture.layout.setPattern("%msg | %ex");
        capture.layout.start();
        capture.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(capture);
        return capture;
    }

    @Override
    protected void append(ILoggingEvent event) {
        lines.add(layout.doLayout(event).replace('\n', ' '));
    }

    public List<String> lines() {
        return lines;
    }
}
