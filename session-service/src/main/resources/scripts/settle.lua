-- Replaces a reservation's hold by the actual usage and appends the turn to the ledger. Idempotent per reservation.
-- KEYS[1] the session's hash; ARGV[4] session id, ARGV[5] reservation id, ARGV[6] prompt tokens, ARGV[7] cached
-- tokens, ARGV[8] completion tokens, ARGV[9] cost (nano-USD), ARGV[10] time to first token in ms or '', ARGV[11] how
-- many TTFT samples to keep, ARGV[12] the section where the turn broke its cached prefix or '', ARGV[13] the token
-- position of that break, ARGV[14] the prompt tokens tool trimming kept out of the turn, ARGV[15] its checkpoint use
-- ('applied:<tokens removed>', 'mismatch:0' or ''), ARGV[16] its model route ('<model> <alternative> <saving
-- nano-USD>' or '').
-- Returns {'settled'} | {'already_settled'} | {'released'} | {'not_found'}.
local sid, rid = ARGV[4], ARGV[5]
local skey = owned(sid)
if not skey then return {'not_found'} end
local rkey = key('v:' .. rid, sid)
local held = redis.call('HMGET', rkey, 's', 'st', 't', 'c')
if held[1] ~= sid then return {'not_found'} end
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
append_turn(sid, skey, ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10], ARGV[11], ARGV[12], ARGV[13], ARGV[14], ARGV[15], ARGV[16])
return {'settled'}
