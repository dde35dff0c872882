-- Binds a session to a cell, compare-and-set on the binding epoch, and keeps the per-cell index of sessions.
-- ARGV[4] session id, ARGV[5] cell id, ARGV[6] model, ARGV[7] expected epoch or '' (no check).
-- Returns {'ok', new epoch, last prompt tokens or -1} | {'not_found'} | {'conflict', current epoch}.
local sid, cell, model, expected = ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local skey = owned(sid)
if not skey then return {'not_found'} end
local current = redis.call('HMGET', skey, 'ep', 'cell', 'lp', 'x')
local epoch = tonumber(current[1]) or 0
if expected ~= '' and tonumber(expected) ~= epoch then
  return {'conflict', epoch}
end
if current[2] and current[2] ~= cell then
  redis.call('ZREM', key('b', current[2]), sid)
end
index_on_cell(cell, sid, tonumber(current[4]))
epoch = epoch + 1
redis.call('HSET', skey, 'cell', cell, 'mdl', model, 'bat', now, 'ep', epoch)
return {'ok', epoch, tonumber(current[3]) or -1}
