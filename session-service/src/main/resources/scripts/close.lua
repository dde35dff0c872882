-- Closes a session: its hash, reservations and TTFT samples go; the caller removes its lookup key and index entry.
-- KEYS[1] the session's hash; ARGV[4] session id.
-- Returns {'closed', token hash or '', implicit hash or '', cell or ''} | {'not_found'} (no such session for this tenant).
local sid = ARGV[4]
local skey = owned(sid)
if not skey then return {'not_found'} end
local refs = redis.call('HMGET', skey, 'h', 'k', 'cell')
redis.call('DEL', skey, key('r', sid), key('f', sid))
return {'closed', refs[1] or '', refs[2] or '', refs[3] or ''}
