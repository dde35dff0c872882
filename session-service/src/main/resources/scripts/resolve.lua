-- Finds the calling tenant's live session that a lookup key led to, if the session still answers to that lookup (its
-- token hash 'h' or implicit hash 'k' is the one looked up: a rotated token's old lookup key leads nowhere), and
-- slides its expiry.
-- KEYS[1] the session's hash; ARGV[4] session id, ARGV[5] 'h' or 'k', ARGV[6] the hash looked up.
-- Returns {field, value, ...}, or {} when there is no such session for this tenant and lookup.
local sid = ARGV[4]
local skey = owned(sid)
if not skey or redis.call('HGET', skey, ARGV[5]) ~= ARGV[6] then return {} end
slide(sid, skey)
return redis.call('HGETALL', skey)
