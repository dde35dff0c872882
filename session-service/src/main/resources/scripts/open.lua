-- Opens a session. Its lookup key (token or implicit) is written afterwards, by the caller: a session no lookup leads
-- to yet is invisible, so a caller that loses the race for an implicit lookup can delete its session unseen.
-- KEYS[1] the session's hash; ARGV[4] session id, ARGV[5] ttl seconds, ARGV[6..] field/value pairs.
-- Returns {field, value, ...}.
local sid = ARGV[4]
local ttl = tonumber(ARGV[5]) * 1000
local fields = {}
for i = 6, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
redis.call('HSET', KEYS[1], 't', tenant, 'l', ARGV[5], 'x', now + ttl, unpack(fields))
redis.call('PEXPIRE', KEYS[1], ttl)
return redis.call('HGETALL', KEYS[1])
