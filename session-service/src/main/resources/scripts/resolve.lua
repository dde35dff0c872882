-- Resolves an affinity token (by its hash) to the calling tenant's live session and slides the session's expiry.
-- KEYS[1] token key. Returns {session id, field, value, ...}, or {} when the token is unknown, rotated away, closed
-- or another tenant's.
local sid = redis.call('GET', KEYS[1])
if not sid then return {} end
local skey = owned(sid)
if not skey then return {} end
slide(sid, skey)
return {sid, unpack(redis.call('HGETALL', skey))}
