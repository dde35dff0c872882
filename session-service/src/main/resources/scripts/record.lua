-- Appends a turn that held no reservation (its session has no limits, so there was nothing to reserve) to the
-- session's ledger. Idempotent per turn: a retried call finds the turn's marker and changes nothing.
-- KEYS[1] the session's hash; ARGV[4] session id, ARGV[5] turn id, ARGV[6] how long the turn's marker is kept (ms), ARGV[7] prompt tokens,
-- ARGV[8] cached tokens, ARGV[9] completion tokens, ARGV[10] cost (nano-USD), ARGV[11] time to first token in ms or '',
-- ARGV[12] how many TTFT samples to keep, ARGV[13] the section where the turn broke its cached prefix or '', ARGV[14]
-- the token position of that break, ARGV[15] the prompt tokens tool trimming kept out of the turn, ARGV[16] its checkpoint use
-- ('applied:<tokens removed>', 'mismatch:0' or ''), ARGV[17] its model route ('<model> <alternative> <saving
-- nano-USD>' or '').
-- Returns 'recorded' | 'already_recorded' | 'not_found'.
local sid = ARGV[4]
local skey = owned(sid)
if not skey then return 'not_found' end
if not redis.call('SET', key('v:' .. ARGV[5], sid), sid, 'NX', 'PX', ARGV[6]) then return 'already_recorded' end
append_turn(sid, skey, ARGV[7], ARGV[8], ARGV[9], ARGV[10], ARGV[11], ARGV[12], ARGV[13], ARGV[14], ARGV[15], ARGV[16], ARGV[17])
return 'recorded'
