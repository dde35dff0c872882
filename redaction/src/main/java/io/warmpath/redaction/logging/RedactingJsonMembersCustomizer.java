package io.warmpath.redaction.logging;

import io.warmpath.redaction.Redactor;
import org.springframework.boot.json.JsonWriter.Members;
import org.springframework.boot.json.JsonWriter.ValueProcessor;
import org.springframework.boot.logging.structured.StructuredLoggingJsonMembersCustomizer;

/**
 * Redacts every string a structured (JSON) log line holds, at serialization time: the message, the exception's
 * message and stack trace (with its whole cause chain), MDC and key-value pairs, for every format (ECS, Logstash,
 * GELF). Boot loads it from {@code META-INF/spring.factories} for every structured log formatter, so a service needs
 * no configuration for it beyond having this jar on its classpath.
 */
public class RedactingJsonMembersCustomizer implements StructuredLoggingJsonMembersCustomizer<Object> {

    private final Redactor redactor = Redactor.standard();

    @Override
    public void customize(Members<Object> members) {
        members.applyingValueProcessor(ValueProcessor.of(CharSequence.class,
                value -> redactor.redact(value.toString())));
    }
}
