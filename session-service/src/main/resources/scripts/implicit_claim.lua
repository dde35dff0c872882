-- Claims a place among the tenant's open implicit sessions for a session about to open, unless the tenant is at its
-- cap. KEYS[1] the tenant's open-implicit set; ARGV[4] the cap; ARGV[5] the new session id.
-- Returns 1 when claimed, 0 at the cap.
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return 0 end
redis.call('ZADD', KEYS[1], now, ARGV[5])
return 1
