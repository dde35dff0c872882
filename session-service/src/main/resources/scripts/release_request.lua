-- Gives back the hold of the reservation a request id produced, for a caller that never learned the reservation id
-- (its reserve call timed out or was cancelled). Idempotent.
-- KEYS[1] the session's hash; ARGV[4] session id, ARGV[5] reservation id derived from the session and request id, ARGV[6] marker ttl (ms).
-- Returns 1 when released or nothing is held any more, 0 when there is no such reservation.
local sid, rid = ARGV[4], ARGV[5]
local skey = owned(sid)
if not skey then return 0 end
local rkey = key('v:' .. rid, sid)
local held = redis.call('HMGET', rkey, 's', 'st', 't', 'c')
if not held[1] then
  -- The reserve has not arrived (it may still be on its way): mark the request id released, so that a late reserve
  -- is refused as a reused request id instead of holding budget that no one will ever settle or release.
  redis.call('HSET', rkey, 's', sid, 'st', 'n')
  redis.call('PEXPIRE', rkey, ARGV[6])
  return 0
end
if held[1] ~= sid or held[2] == 'n' then return 0 end
if held[2] == 'r' then
  unhold(sid, skey, rid, rkey, held[3], held[4], 'x')
end
return 1
