package io.warmpath.session.sessions;

import java.net.URI;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * policy-service, as session-service asks it whether a session may record its transcript
 * ({@code warmpath.session.policy.*}).
 *
 * @param url      policy-service's base URL; without it no session may record its transcript (503)
 * @param deadline the longest a decision may take; a slower one refuses the session (fail closed)
 */
@ConfigurationProperties("warmpath.session.policy")
record PolicyServiceProperties(@Nullable URI url, @DefaultValue("500ms") Duration deadline) {
}
