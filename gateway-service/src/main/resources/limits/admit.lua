-- Admits one request against the limits of one or more scopes (its tenant, its API key), all or nothing.
-- KEYS, per scope i (from 0): [3i+1] requests bucket, [3i+2] tokens bucket, [3i+3] in-flight set.
-- ARGV: [1] request id, [2] lease (ms), [3] tokens to reserve; per scope i: [3i+4] requests per minute,
-- [3i+5] tokens per minute, [3i+6] concurrent requests (0: no limit).
-- A bucket is a hash {v = level, t = when (ms)}, refilled continuously at limit per minute up to limit; a missing one
-- is full. Redis's own clock serves every gateway alike.
-- Returns {admitted (1/0), refused kind ('requests', 'tokens', 'concurrent' or ''), retry after (ms),
--          request limit, requests remaining, ms until full, token limit, tokens remaining, ms until full}
-- where the headers' figures are those of the scope with the least remaining of each kind (0 limit: no such kind).
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local id, lease, want = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local scopes = #KEYS / 3

local function level(key, limit)
  local state = redis.call('HMGET', key, 'v', 't')
  local value, at = tonumber(state[1]), tonumber(state[2])
  if value == nil or at == nil then return limit end
  return math.min(limit, value + math.max(0, now - at) * limit / 60000)
end

local function untilFull(value, limit)
  return math.ceil((limit - value) * 60000 / limit)
end

local refused, retry = '', 0
local function refuse(kind, ms)
  if ms > retry then refused, retry = kind, ms end
end

local levels = {}
for i = 0, scopes - 1 do
  local rpm, tpm, conc = tonumber(ARGV[3 * i + 4]), tonumber(ARGV[3 * i + 5]), tonumber(ARGV[3 * i + 6])
  local entry = {rpm = rpm, tpm = tpm, conc = conc}
  if rpm > 0 then
    entry.requests = level(KEYS[3 * i + 1], rpm)
    if entry.requests < 1 then refuse('requests', math.ceil((1 - entry.requests) * 60000 / rpm)) end
  end
  if tpm > 0 then
    entry.cost = math.min(want, tpm)
    entry.tokens = level(KEYS[3 * i + 2], tpm)
    if entry.tokens < entry.cost then refuse('tokens', math.ceil((entry.cost - entry.tokens) * 60000 / tpm)) end
  end
  if conc > 0 then
    redis.call('ZREMRANGEBYSCORE', KEYS[3 * i + 3], '-inf', now)
    if redis.call('ZCARD', KEYS[3 * i + 3]) >= conc then refuse('concurrent', 1000) end
  end
  levels[i] = entry
end

local admitted = refused == ''
if admitted then
  for i = 0, scopes - 1 do
    local entry = levels[i]
    if entry.rpm > 0 then
      entry.requests = entry.requests - 1
      redis.call('HSET', KEYS[3 * i + 1], 'v', tostring(entry.requests), 't', now)
      redis.call('PEXPIRE', KEYS[3 * i + 1], 120000)
    end
    if entry.tpm > 0 then
      entry.tokens = entry.tokens - entry.cost
      redis.call('HSET', KEYS[3 * i + 2], 'v', tostring(entry.tokens), 't', now)
      redis.call('PEXPIRE', KEYS[3 * i + 2], 120000)
    end
    if entry.conc > 0 then
      redis.call('ZADD', KEYS[3 * i + 3], now + lease, id)
      redis.call('PEXPIRE', KEYS[3 * i + 3], lease)
    end
  end
end

-- The tightest scope of each kind, by the share of its limit left.
local report = {0, 0, 0, 0, 0, 0}
local requestShare, tokenShare = 2, 2
for i = 0, scopes - 1 do
  local entry = levels[i]
  if entry.rpm > 0 and entry.requests / entry.rpm < requestShare then
    requestShare = entry.requests / entry.rpm
    report[1], report[2], report[3] = entry.rpm, math.max(0, math.floor(entry.requests)),
        untilFull(entry.requests, entry.rpm)
  end
  if entry.tpm > 0 and entry.tokens / entry.tpm < tokenShare then
    tokenShare = entry.tokens / entry.tpm
    report[4], report[5], report[6] = entry.tpm, math.max(0, math.floor(entry.tokens)),
        untilFull(entry.tokens, entry.tpm)
  end
end
return {admitted and 1 or 0, refused, retry, report[1], report[2], report[3], report[4], report[5], report[6]}
