-- Points a lookup key (token or implicit) at a session, compare-and-set: only while it still holds what the caller
-- saw, so of two concurrent first turns of an implicit session exactly one publishes its session.
-- KEYS[1] the lookup key; ARGV[4] the session id it must hold now, or '' for none; ARGV[5] the new session id;
-- ARGV[6] ttl (ms). Returns 1 when set, 0 when the key held something else.
local current = redis.call('GET', KEYS[1])
if (current or '') ~= ARGV[4] then return 0 end
redis.call('SET', KEYS[1], ARGV[5], 'PX', ARGV[6])
return 1
