package io.warmpath.redaction.logging;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.warmpath.redaction.Redactor;

/** {@code %m}, {@code %msg} and {@code %message} of pattern layouts, redacted. */
public class RedactingMessageConverter extends MessageConverter {

    private final Redactor redactor = Redactor.standard();

    @Override
    public String convert(ILoggingEvent event) {
        return redactor.redact(super.convert(event));
    }
}
