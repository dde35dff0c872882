package io.warmpath.session.redis;

import java.io.IOException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientConfigurationBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import redis.embedded.RedisServer;

/**
 * A real Redis server (the embedded-redis binary) inside this process's lifecycle, for {@code ./warmpath up} and
 * other local runs without a Redis install. Off unless {@code warmpath.session.embedded-redis.enabled=true}; no
 * persistence, bound to 127.0.0.1 on {@code spring.data.redis.port}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("warmpath.session.embedded-redis.enabled")
class EmbeddedRedisConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedRedisConfiguration.class);

    @Bean(destroyMethod = "stop")
    RedisServer embeddedRedisServer(DataRedisProperties redisProperties) throws IOException {
        RedisServer server = RedisServer.newRedisServer()
                .bind("127.0.0.1")
                .port(redisProperties.getPort())
                .setting("save \"\"")
                .setting("appendonly no")
                .build();
        server.start();
        log.info("Embedded Redis started on 127.0.0.1:{}", redisProperties.getPort());
        return server;
    }

    /**
     * Does nothing to the client, but Boot builds the connection factory from these customizers: depending on the
     * server here makes the server start before the first connection is made.
     */
    @Bean
    LettuceClientConfigurationBuilderCustomizer startEmbeddedRedisFirst(RedisServer embeddedRedisServer) {
        return builder -> {
        };
    }
}
