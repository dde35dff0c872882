-- Opens a session, or finds the live one that the lookup key already points at (an implicit session: one per tenant
-- and affinity value, so concurrent first turns agree on one session).
-- KEYS[1] lookup key (token or implicit key); ARGV[4] new session id, ARGV[5] ttl seconds, ARGV[6..] field/value pairs.
-- Returns {session id, 1 when created or 0 when found, field, value, ...}.
local existing = redis.call('GET', KEYS[1])
if existing then
  local skey = owned(existing)
  if skey then
    slide(existing, skey)
    return {existing, 0, unpack(redis.call('HGETALL', skey))}
  end
end
local sid = ARGV[4]
local skey = key('s', sid)
local ttl = tonumber(ARGV[5]) * 1000
local fields = {}
for i = 6, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
redis.call('HSET', skey, 't', tenant, 'l', ARGV[5], 'x', now + ttl, unpack(fields))
redis.call('PEXPIRE', skey, ttl)
redis.call('SET', KEYS[1], sid, 'PX', ttl)
return {sid, 1, unpack(redis.call('HGETALL', skey))}
