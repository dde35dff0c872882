-- Closes a session: its token or implicit key, its cell index entry, reservations and TTFT samples go with it.
-- ARGV[4] session id. Returns 1 when closed, 0 when there was no such session for this tenant.
local sid = ARGV[4]
local skey = owned(sid)
if not skey then return 0 end
local refs = redis.call('HMGET', skey, 'h', 'k', 'cell')
if refs[1] then redis.call('DEL', key('t', refs[1])) end
if refs[2] then redis.call('DEL', key('i', refs[2])) end
if refs[3] then redis.call('ZREM', key('b', refs[3]), sid) end
redis.call('DEL', skey, key('r', sid), key('f', sid))
return 1
