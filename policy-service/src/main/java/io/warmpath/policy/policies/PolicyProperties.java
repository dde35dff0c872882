package io.warmpath.policy.policies;

import java.nio.file.Path;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where policies come from ({@code warmpath.policy.*}).
 *
 * @param directory      a directory holding {@code schema.cedarschema}, {@code *.cedar} policies and {@code *.json}
 *                       Cedar entity files; {@code null}: the defaults shipped on the classpath (never reloaded)
 * @param reloadInterval how often the directory is checked for changes
 */
@ConfigurationProperties("warmpath.policy")
record PolicyProperties(@Nullable Path directory, @DefaultValue("2s") Duration reloadInterval) {
}
