-- Decides a session's trimmed tools once: the first candidate stored stands until a checkpoint clears it, so that
-- every turn of the session (on any cell, after any failover) sends the engine the same tools.
-- KEYS[1] the session's hash; ARGV[4] session id, ARGV[5] the candidate: trimmed tool names joined by newlines ('' for
-- none).
-- Returns the stored decision, or false when there is no such session for this tenant.
local sid = ARGV[4]
local skey = owned(sid)
if not skey then return false end
redis.call('HSETNX', skey, 'tt', ARGV[5])
return redis.call('HGET', skey, 'tt')
