-- Settles an admitted request: gives back the tokens it reserved and did not use (or takes those it used beyond),
-- and its place among the concurrent requests.
-- KEYS, per scope i (from 0): [2i+1] tokens bucket, [2i+2] in-flight set.
-- ARGV: [1] request id, [2] tokens reserved, [3] tokens used (-1: unknown, the reservation stands);
-- per scope i: [i+4] tokens per minute.
-- A bucket may go into debt down to minus its limit: a turn that used more than it reserved is paid for by the next.
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local id, reserved, used = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
for i = 0, #KEYS / 2 - 1 do
  local tpm = tonumber(ARGV[i + 4])
  local bucket = KEYS[2 * i + 1]
  -- What admit.lua charged this scope: the reservation, at most the whole limit.
  local delta = used >= 0 and math.min(reserved, tpm) - used or 0
  if tpm > 0 and delta ~= 0 then
    local state = redis.call('HMGET', bucket, 'v', 't')
    local value, at = tonumber(state[1]), tonumber(state[2])
    if value == nil or at == nil then value, at = tpm, now end
    value = math.min(tpm, value + math.max(0, now - at) * tpm / 60000)
    value = math.max(-tpm, math.min(tpm, value + delta))
    redis.call('HSET', bucket, 'v', tostring(value), 't', now)
    redis.call('PEXPIRE', bucket, 120000)
  end
  redis.call('ZREM', KEYS[2 * i + 2], id)
end
return 1
