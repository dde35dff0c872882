-- Gives a reservation's hold back to the budget (the request failed before any usage). Idempotent.
-- ARGV[4] reservation id. Returns 1 when released or nothing is held any more, 0 when not found.
local rid = ARGV[4]
local rkey = key('v', rid)
local held = redis.call('HMGET', rkey, 's', 'st', 't', 'c')
-- 'n' marks a request id released before its reserve arrived: there never was a reservation.
if not held[1] or held[2] == 'n' then return 0 end
local skey = owned(held[1])
if not skey then return 0 end
if held[2] == 'r' then
  unhold(held[1], skey, rid, rkey, held[3], held[4], 'x')
end
return 1
