-- Files a session in its cell's index (a sorted set scored by the session's expiry, ms) and trims the entries that
-- expired: trimming on every write keeps the index as small as the cell's live sessions, without a sweeper.
-- KEYS[1] the cell's index; ARGV[4] session id, ARGV[5] the session's expiry (epoch ms).
local expires_at = tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], expires_at, ARGV[4])
-- At least 1 ms: a key left without a ttl would never go away.
extend(KEYS[1], math.max(expires_at - now, 1))
return 1
