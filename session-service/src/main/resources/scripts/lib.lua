-- Shared head of every session script (SessionScripts prepends it).
-- ARGV[1] key prefix, ARGV[2] calling tenant, ARGV[3] now (epoch ms, from the service's clock); script arguments follow.
-- Keys other than KEYS[*] are derived from ids stored in Redis, so the scripts need one Redis primary
-- (standalone or with replicas / Sentinel), not Redis Cluster.
local prefix, tenant, now = ARGV[1], ARGV[2], tonumber(ARGV[3])

local function key(kind, id)
  return prefix .. kind .. ':' .. id
end

-- The session's hash key when the session is live and belongs to the calling tenant, else nil (the caller says 404:
-- another tenant's session is indistinguishable from none).
local function owned(sid)
  local skey = key('s', sid)
  if redis.call('HGET', skey, 't') == tenant then
    return skey
  end
  return nil
end

-- Lengthens a key's time to live, never shortens it (Redis 6.2 has no PEXPIRE ... GT). A missing key stays missing.
local function extend(k, ms)
  if redis.call('PTTL', k) < ms then
    redis.call('PEXPIRE', k, ms)
  end
end

-- Files the session in its cell's index (a sorted set scored by the session's expiry, ms) and trims the entries
-- that expired: trimming on every write keeps the index as small as the cell's live sessions, without a sweeper.
local function index_on_cell(cell, sid, expires_at)
  local ckey = key('b', cell)
  redis.call('ZREMRANGEBYSCORE', ckey, '-inf', now)
  redis.call('ZADD', ckey, expires_at, sid)
  -- At least 1 ms: a key left without a ttl would never go away.
  extend(ckey, math.max(expires_at - now, 1))
end

-- A member of the session's open-reservation set: the reservation id with the tokens and nano-USD it holds. The
-- amounts travel with the member so that a hold can be given back even after the reservation's record expired.
local function hold_member(rid, tokens, cost)
  return string.format('%s:%d:%d', rid, tonumber(tokens), tonumber(cost))
end

-- Sliding expiry: every key of the session lives for the session's ttl from now. Returns that ttl in ms.
local function slide(sid, skey)
  local ttl = tonumber(redis.call('HGET', skey, 'l')) * 1000
  redis.call('PEXPIRE', skey, ttl)
  redis.call('HSET', skey, 'x', now + ttl)
  local refs = redis.call('HMGET', skey, 'h', 'k', 'cell')
  if refs[1] then redis.call('PEXPIRE', key('t', refs[1]), ttl) end
  if refs[2] then redis.call('PEXPIRE', key('i', refs[2]), ttl) end
  if refs[3] then index_on_cell(refs[3], sid, now + ttl) end
  redis.call('PEXPIRE', key('r', sid), ttl)
  redis.call('PEXPIRE', key('f', sid), ttl)
  return ttl
end

-- Gives a held reservation's tokens and cost back to the session's budget and marks it with a final state.
local function unhold(sid, skey, rid, rkey, tokens, cost, state)
  redis.call('HINCRBY', skey, 'rt', -tonumber(tokens))
  redis.call('HINCRBY', skey, 'rc', -tonumber(cost))
  redis.call('ZREM', key('r', sid), hold_member(rid, tokens, cost))
  redis.call('HSET', rkey, 'st', state)
end

-- Reclaims reservations whose time ran out (their request died or hung without settling or releasing). The amounts
-- come from the set's members, not from the records: a record may have expired while its hold was still counted.
local function reclaim(sid, skey)
  local rz = key('r', sid)
  for _, member in ipairs(redis.call('ZRANGEBYSCORE', rz, '-inf', now)) do
    local rid, tokens, cost = string.match(member, '^([^:]+):(%d+):(%d+)$')
    if rid then
      redis.call('HINCRBY', skey, 'rt', -tonumber(tokens))
      redis.call('HINCRBY', skey, 'rc', -tonumber(cost))
      local rkey = key('v', rid)
      if redis.call('HGET', rkey, 'st') == 'r' then
        redis.call('HSET', rkey, 'st', 'e')
      end
    end
    redis.call('ZREM', rz, member)
  end
end


-- Appends one turn's usage to the session's ledger: counts, cost (nano-USD), the prompt size the next turn's growth
-- is measured from, and a time-to-first-token sample ('' for none) in a list trimmed to the newest `samples`.
local function append_turn(sid, skey, prompt, cached, completion, cost, ttft, samples)
  redis.call('HINCRBY', skey, 'n', 1)
  redis.call('HINCRBY', skey, 'pt', prompt)
  redis.call('HINCRBY', skey, 'ct', cached)
  redis.call('HINCRBY', skey, 'ot', completion)
  redis.call('HINCRBY', skey, 'uc', cost)
  redis.call('HSET', skey, 'lp', prompt)
  if ttft ~= '' then
    local list = key('f', sid)
    redis.call('LPUSH', list, ttft)
    redis.call('LTRIM', list, 0, tonumber(samples) - 1)
    redis.call('PEXPIRE', list, redis.call('PTTL', skey))
  end
end
