-- Gives a reservation's hold back to the budget (the request failed before any usage). Idempotent.
-- KEYS[1] the session's hash; ARGV[4] session id, ARGV[5] reservation id.
-- Returns 1 when released or nothing is held any more, 0 when not found.
local sid, rid = ARGV[4], ARGV[5]
local skey = owned(sid)
if not skey then return 0 end
local rkey = key('v:' .. rid, sid)
local held = redis.call('HMGET', rkey, 's', 'st', 't', 'c')
-- 'n' marks a request id released before its reserve arrived: there never was a reservation.
if held[1] ~= sid or held[2] == 'n' then return 0 end
if held[2] == 'r' then
  unhold(sid, skey, rid, rkey, held[3], held[4], 'x')
end
return 1
