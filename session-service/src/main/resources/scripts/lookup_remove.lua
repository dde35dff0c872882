-- Removes a lookup key if it still leads to the given session (a newer session may have taken it over).
-- KEYS[1] the lookup key; ARGV[4] session id. Returns 1 when removed, else 0.
if redis.call('GET', KEYS[1]) ~= ARGV[4] then return 0 end
return redis.call('DEL', KEYS[1])
