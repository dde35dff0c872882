/**
 * Redacted logging for Boot 4 and Logback. Structured (JSON) lines are redacted by
 * {@link io.warmpath.redaction.logging.RedactingJsonMembersCustomizer}, registered in
 * {@code META-INF/spring.factories}; pattern lines by converters that replace the message and exception conversion words. Services include
 * {@code io/warmpath/redaction/logging/logback-console.xml} from their {@code logback-spring.xml}.
 */
package io.warmpath.redaction.logging;
