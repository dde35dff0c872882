-- Binds a session to a cell, compare-and-set on the binding epoch; the caller keeps the per-cell indexes.
-- KEYS[1] the session's hash; ARGV[4] session id, ARGV[5] cell id, ARGV[6] model, ARGV[7] expected epoch or '' (no
-- check).
-- Returns {'ok', new epoch, last prompt tokens or -1, previous cell or '', session expiry (epoch ms)} | {'not_found'}
-- | {'conflict', current epoch}.
local sid, cell, model, expected = ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local skey = owned(sid)
if not skey then return {'not_found'} end
local current = redis.call('HMGET', skey, 'ep', 'cell', 'lp', 'x')
local epoch = tonumber(current[1]) or 0
if expected ~= '' and tonumber(expected) ~= epoch then
  return {'conflict', epoch}
end
epoch = epoch + 1
redis.call('HSET', skey, 'cell', cell, 'mdl', model, 'bat', now, 'ep', epoch)
return {'ok', epoch, tonumber(current[3]) or -1, current[2] or '', tonumber(current[4])}
