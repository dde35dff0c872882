-- Replaces a reservation's hold by the actual usage and appends the turn to the ledger. Idempotent per reservation.
-- ARGV[4] reservation id, ARGV[5] prompt tokens, ARGV[6] cached tokens, ARGV[7] completion tokens,
-- ARGV[8] cost (nano-USD), ARGV[9] time to first token in ms or '', ARGV[10] how many TTFT samples to keep.
-- Returns {'settled'} | {'already_settled'} | {'released'} | {'not_found'}.
local rid = ARGV[4]
local rkey = key('v', rid)
local held = redis.call('HMGET', rkey, 's', 'st', 't', 'c')
if not held[1] then return {'not_found'} end
local sid = held[1]
local skey = owned(sid)
if not skey then return {'not_found'} end
if held[2] == 's' then return {'already_settled'} end
-- 'n': a request id released before its reserve arrived; nothing was ever reserved.
if held[2] == 'n' then return {'not_found'} end
if held[2] == 'x' then return {'released'} end
if held[2] == 'r' then
  unhold(sid, skey, rid, rkey, held[3], held[4], 's')
else
  -- Reclaimed on expiry ('e'): the hold is gone already, but the tokens were spent, so the usage still counts.
  redis.call('HSET', rkey, 'st', 's')
end
append_turn(sid, skey, ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10])
return {'settled'}
