-- Lists the live sessions bound to a cell and drops index entries of sessions that expired or moved.
-- ARGV[4] cell id. Returns the session ids.
local cell = ARGV[4]
local ckey = key('c', cell)
local live = {}
for _, sid in ipairs(redis.call('SMEMBERS', ckey)) do
  if redis.call('HGET', key('s', sid), 'cell') == cell then
    live[#live + 1] = sid
  else
    redis.call('SREM', ckey, sid)
  end
end
return live
