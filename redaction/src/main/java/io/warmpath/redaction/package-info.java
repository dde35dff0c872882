/**
 * Redaction for every Warmpath service: {@link io.warmpath.redaction.Redactor} finds secrets and personal data in
 * text, {@link io.warmpath.redaction.PayloadLogView} turns prompts and responses into what a log may hold by data
 * class, and {@code io.warmpath.redaction.logging} applies the redactor to every log line the services write.
 */
package io.warmpath.redaction;
