/**
 * Redis: the key layout ({@link io.warmpath.session.redis.RedisKeys}), the Lua scripts that keep every multi-key
 * change atomic ({@link io.warmpath.session.redis.SessionScripts}), client options and the optional embedded server.
 */
package io.warmpath.session.redis;
