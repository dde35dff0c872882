package io.warmpath.session.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.warmpath.session.SessionProperties;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.ClassPathResource;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * Runs the session Lua scripts ({@code classpath:scripts/*.lua}). Every script starts with {@code lib.lua} and gets
 * the same first arguments: the key prefix, the calling tenant and the service clock's "now" in epoch ms, so that
 * tenant checks and expiries happen inside the same atomic step as the change they guard.
 */
@Component
public class SessionScripts {

    private final StringRedisTemplate redis;
    private final Clock clock;
    private final int replicaAcks;
    private final Duration replicaAckTimeout;

    SessionScripts(StringRedisTemplate redis, Clock clock, SessionProperties properties) {
        this.redis = redis;
        this.clock = clock;
        this.replicaAcks = properties.replicaAcks();
        this.replicaAckTimeout = properties.replicaAckTimeout();
        if (replicaAcks > 0 && redis.getConnectionFactory() instanceof LettuceConnectionFactory lettuce
                && lettuce.isClusterAware()) {
            // WAIT would go to whichever node the client picks, not to the master of the slot that was written.
            throw new IllegalStateException("warmpath.session.replica-acks works with a Redis primary (standalone or "
                    + "Sentinel), not with Redis Cluster: set it to 0");
        }
    }

    /** Loads {@code scripts/<name>.lua} behind the shared head; the SHA is computed once, Redis caches the body. */
    public static <T> RedisScript<T> load(String name, Class<T> resultType) {
        return new DefaultRedisScript<>(read("lib") + read(name), resultType);
    }

    /**
     * Runs a script for a tenant.
     *
     * @param keys the script's KEYS
     * @param args the script's own arguments (ARGV[4] on); null becomes an empty string
     */
    public <T> @Nullable T run(RedisScript<T> script, String tenant, List<String> keys, @Nullable Object... args) {
        List<String> argv = new ArrayList<>(args.length + 3);
        argv.add(RedisKeys.PREFIX);
        argv.add(tenant);
        argv.add(Long.toString(clock.millis()));
        for (Object arg : args) {
            argv.add(arg == null ? "" : arg.toString());
        }
        return redis.execute(script, keys, argv.toArray());
    }

    /**
     * Runs a script that changes a budget, then waits until {@code warmpath.session.replica-acks} replicas report
     * the connection's writes ({@code WAIT}). Fewer replicas in time is a {@link QueryTimeoutException}, answered as
     * 503 like any unavailable store (ReplicaAcksTest freezes the replica and sees it).
     */
    public <T> @Nullable T runReplicated(RedisScript<T> script, String tenant, List<String> keys,
            @Nullable Object... args) {
        T result = run(script, tenant, keys, args);
        if (replicaAcks > 0) {
            Long acknowledged = redis.execute((RedisCallback<Long>) connection -> waitForReplicas(connection));
            if (acknowledged == null || acknowledged < replicaAcks) {
                throw new QueryTimeoutException("Only " + acknowledged + " of " + replicaAcks
                        + " Redis replicas acknowledged a budget change in time");
            }
        }
        return result;
    }

    /**
     * {@code WAIT} on the connection the change went out on (Spring Data's generic command call reads every reply as
     * bytes, and WAIT's is an integer: Lettuce's own command, then).
     */
    private Long waitForReplicas(RedisConnection connection) {
        if (!(connection.getNativeConnection() instanceof RedisClusterAsyncCommands<?, ?> commands)) {
            throw new IllegalStateException("replica-acks needs the Lettuce client");
        }
        try {
            return commands.waitForReplication(replicaAcks, replicaAckTimeout.toMillis())
                    .get(replicaAckTimeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QueryTimeoutException("Interrupted while waiting for Redis replicas", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new QueryTimeoutException("Redis replicas did not answer WAIT", e);
        }
    }

    /** The service clock's now, in epoch ms: the same time the scripts see. */
    public long nowMillis() {
        return clock.millis();
    }

    private static String read(String name) {
        try {
            return new ClassPathResource("scripts/" + name + ".lua").getContentAsString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Missing Lua script " + name, e);
        }
    }
}
