-- Replaces a session's affinity token hash; the old token stops resolving at once (its lookup key no longer matches).
-- KEYS[1] the session's hash; ARGV[4] session id, ARGV[5] new token hash.
-- Returns {'ok', expires at ms, old token hash} | {'not_found'} | {'implicit'} (implicit sessions have no token).
local sid = ARGV[4]
local skey = owned(sid)
if not skey then return {'not_found'} end
local old = redis.call('HGET', skey, 'h')
if not old then return {'implicit'} end
redis.call('HSET', skey, 'h', ARGV[5])
local ttl = slide(sid, skey)
return {'ok', now + ttl, old}
