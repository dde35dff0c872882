-- Stores a session's new checkpoint unless another, made from a newer state, got there first; a checkpoint also
-- clears the session's tool set, so its next turn with tools decides it again.
-- KEYS[1] the session's hash; ARGV[4] session id, ARGV[5] how many messages the checkpoint replaces covered (0 for
-- none), ARGV[6] how many it covers, ARGV[7] its JSON, ARGV[8] and ARGV[9] the prompt and completion tokens its
-- summarization call took (added up over the session's checkpoints).
-- Returns {'stored', json} | {'stale', current json} | {'off'} (the session does not checkpoint) | {'not_found'}.
local sid = ARGV[4]
local skey = owned(sid)
if not skey then return {'not_found'} end
if redis.call('HGET', skey, 'cp') ~= 'c' then return {'off'} end
local current = tonumber(redis.call('HGET', skey, 'ckn') or '0')
if current ~= tonumber(ARGV[5]) or tonumber(ARGV[6]) <= current then
  return {'stale', redis.call('HGET', skey, 'ck') or ''}
end
redis.call('HSET', skey, 'ck', ARGV[7], 'ckn', ARGV[6], 'ckt', now)
redis.call('HINCRBY', skey, 'ckc', 1)
redis.call('HINCRBY', skey, 'cksp', ARGV[8])
redis.call('HINCRBY', skey, 'cksc', ARGV[9])
redis.call('HDEL', skey, 'tt')
return {'stored', ARGV[7]}
