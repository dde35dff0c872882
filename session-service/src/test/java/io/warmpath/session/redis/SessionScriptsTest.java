package io.warmpath.session.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.warmpath.session.SessionProperties;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionScriptsTest {

    @Test
    void replicaAcksAreRefusedOnRedisClusterAndAcceptedOnAPrimary() {
        // Never started: whether the factory is cluster-aware depends on its configuration alone.
        StringRedisTemplate cluster = new StringRedisTemplate(new LettuceConnectionFactory(
                new RedisClusterConfiguration(List.of("127.0.0.1:7000"))));
        StringRedisTemplate primary = new StringRedisTemplate(new LettuceConnectionFactory(
                new RedisStandaloneConfiguration()));

        assertThatThrownBy(() -> new SessionScripts(cluster, Clock.systemUTC(), properties(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("replica-acks");
        assertThatCode(() -> new SessionScripts(cluster, Clock.systemUTC(), properties(0))).doesNotThrowAnyException();
        assertThatCode(() -> new SessionScripts(primary, Clock.systemUTC(), properties(1))).doesNotThrowAnyException();
    }

    private static SessionProperties properties(int replicaAcks) {
        return new SessionProperties(Duration.ofHours(1), Duration.ofMinutes(10), 128, Duration.ofSeconds(1), 64, 16,
                0, replicaAcks, Duration.ofMillis(500), 0, null, null);
    }
}
