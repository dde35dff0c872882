/**
 * Redis: the key layout ({@link io.warmpath.session.redis.RedisKeys}), the Lua scripts that keep every multi-key
 * change atomic ({@link io.warmpath.session.redis.SessionScripts}), and client options.
 */
package io.warmpath.session.redis;
