package io.warmpath.redaction.logging;

import ch.qos.logback.classic.spi.IThrowableProxy;
import io.warmpath.redaction.Redactor;
import org.springframework.boot.logging.logback.ExtendedWhitespaceThrowableProxyConverter;

/**
 * Boot's {@code %wEx} (stack trace with packaging data, set off by blank lines), redacted as a whole: the messages
 * of the exception, its causes and suppressed exceptions all go through the {@link Redactor}.
 */
public class RedactingThrowableConverter extends ExtendedWhitespaceThrowableProxyConverter {

    private final Redactor redactor = Redactor.standard();

    @Override
    protected String throwableProxyToString(IThrowableProxy throwable) {
        return redactor.redact(super.throwableProxyToString(throwable));
    }
}
