-- Replaces a session's affinity token; the old one stops resolving at once.
-- KEYS[1] new token key; ARGV[4] session id, ARGV[5] new token hash.
-- Returns {'ok', expires at ms} | {'not_found'} | {'implicit'} (implicit sessions have no token).
local sid = ARGV[4]
local skey = owned(sid)
if not skey then return {'not_found'} end
local old = redis.call('HGET', skey, 'h')
if not old then return {'implicit'} end
redis.call('DEL', key('t', old))
redis.call('HSET', skey, 'h', ARGV[5])
redis.call('SET', KEYS[1], sid)
local ttl = slide(sid, skey)
return {'ok', now + ttl}
