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

-- Sliding expiry: every key of the session lives for the session's ttl from now. Returns that ttl in ms.
local function slide(sid, skey)
  local ttl = tonumber(redis.call('HGET', skey, 'l')) * 1000
  redis.call('PEXPIRE', skey, ttl)
  redis.call('HSET', skey, 'x', now + ttl)
  local refs = redis.call('HMGET', skey, 'h', 'k', 'cell')
  if refs[1] then redis.call('PEXPIRE', key('t', refs[1]), ttl) end
  if refs[2] then redis.call('PEXPIRE', key('i', refs[2]), ttl) end
  if refs[3] then extend(key('c', refs[3]), ttl) end
  redis.call('PEXPIRE', key('r', sid), ttl)
  redis.call('PEXPIRE', key('f', sid), ttl)
  return ttl
end

-- Gives a held reservation's tokens and cost back to the session's budget and marks it with a final state.
local function unhold(sid, skey, rid, rkey, tokens, cost, state)
  redis.call('HINCRBY', skey, 'rt', -tonumber(tokens))
  redis.call('HINCRBY', skey, 'rc', -tonumber(cost))
  redis.call('ZREM', key('r', sid), rid)
  redis.call('HSET', rkey, 'st', state)
end

-- Reclaims reservations whose time ran out (their request died or hung without settling or releasing).
local function reclaim(sid, skey)
  local expired = redis.call('ZRANGEBYSCORE', key('r', sid), '-inf', now)
  for _, rid in ipairs(expired) do
    local rkey = key('v', rid)
    local held = redis.call('HMGET', rkey, 'st', 't', 'c')
    if held[1] == 'r' then
      unhold(sid, skey, rid, rkey, held[2], held[3], 'e')
    else
      redis.call('ZREM', key('r', sid), rid)
    end
  end
end

