package io.drover.support;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * Logback's {@code %msg}, through the {@link Redactor} (logback.xml registers it in place of the built-in one), so
 * that no log line carries a secret, whoever wrote it (Drover, Camel, Kafka, HttpClient).
 */
public final class RedactingConverter extends ClassicConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return Redactor.redact(event.getFormattedMessage());
    }

    /** {@code %ex}: a stack trace's messages (a URL that failed to parse, say) pass through the Redactor too. */
    public static final class Throwable extends ThrowableProxyConverter {
        @Override
        public String convert(ILoggingEvent event) {
            return Redactor.redact(super.convert(event));
        }
    }
}
