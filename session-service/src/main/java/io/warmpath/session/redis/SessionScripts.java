package io.warmpath.session.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.core.io.ClassPathResource;
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

    SessionScripts(StringRedisTemplate redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
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
