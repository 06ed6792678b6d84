package io.drover.support;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;

/**
 * The console's format, chosen at start: text lines (the {@code pattern}; {@code %msg} and {@code %ex} redacted by
 * the conversion rules logback.xml registers), or with {@code DROVER_LOG_FORMAT=json} / {@code -Ddrover.log.format=json}
 * one JSON object per line ({@link RedactingJsonEncoder}). One encoder rather than two appenders, so that logback
 * has no unused appender to warn about on every start.
 */
public final class ConsoleEncoder extends EncoderBase<ILoggingEvent> {

    private String pattern;
    private Encoder<ILoggingEvent> delegate;

    public void setPattern(String pattern) {
        this.pattern = pattern;
    }

    @Override
    public void start() {
        String format = System.getProperty("drover.log.format", System.getenv("DROVER_LOG_FORMAT"));
        if ("json".equalsIgnoreCase(format)) {
            delegate = new RedactingJsonEncoder();
        } else {
            PatternLayoutEncoder text = new PatternLayoutEncoder();
            text.setPattern(pattern);
            delegate = text;
        }
        delegate.setContext(getContext());
        delegate.start();
        super.start();
    }

    @Override
    public void stop() {
        delegate.stop();
        super.stop();
    }

    @Override
    public byte[] headerBytes() {
        return delegate.headerBytes();
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        return delegate.encode(event);
    }

    @Override
    public byte[] footerBytes() {
        return delegate.footerBytes();
    }
}
