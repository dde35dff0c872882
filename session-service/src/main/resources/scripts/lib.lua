-- Shared head of every session script (SessionScripts prepends it).
-- ARGV[1] key prefix, ARGV[2] calling tenant, ARGV[3] now (epoch ms, from the service's clock); script arguments follow.
-- A script touches one session's keys only, which all carry the session id as their hash tag: KEYS[1] is always the
-- session's hash, and the keys derived here are in its slot, so the scripts run on Redis Cluster as on one primary.
local prefix, tenant, now = ARGV[1], ARGV[2], tonumber(ARGV[3])

-- A key of session sid: 's' hash, 'r' open reservations, 'f' TTFT samples, 'v:<id>' a reservation or turn marker.
local function key(kind, sid)
  return prefix .. '{' .. sid .. '}:' .. kind
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

-- A member of the session's open-reservation set: the reservation id with the tokens and nano-USD it holds. The
-- amounts travel with the member so that a hold can be given back even after the reservation's record expired.
local function hold_member(rid, tokens, cost)
  return string.format('%s:%d:%d', rid, tonumber(tokens), tonumber(cost))
end

-- Sliding expiry: every key of the session lives for the session's ttl from now (its lookup key and cell index entry
-- are slid by the caller, outside the slot). Returns that ttl in ms.
local function slide(sid, skey)
  local ttl = tonumber(redis.call('HGET', skey, 'l')) * 1000
  redis.call('PEXPIRE', skey, ttl)
  redis.call('HSET', skey, 'x', now + ttl)
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
      local rkey = key('v:' .. rid, sid)
      if redis.call('HGET', rkey, 'st') == 'r' then
        redis.call('HSET', rkey, 'st', 'e')
      end
    end
    redis.call('ZREM', rz, member)
  end
end


-- Appends one turn's usage to the session's ledger: counts, cost (nano-USD), the prompt size the next turn's growth
-- is measured from, and a time-to-first-token sample ('' for none) in a list trimmed to the newest `samples`.
-- A turn that broke the session's cached prefix ('system', 'tools' or 'history' at a token position; '' for none)
-- counts per section ('pb:<section>'), and the latest is kept ('pbl' section@position, 'pbt' when). Prompt tokens that
-- the session's tool trimming kept out of the turn add up in 'tk'. A checkpoint applied to the turn counts in 'cka'
-- with the tokens it removed in 'ckr'; a history that did not match the checkpoint counts in 'ckm'. A turn the
-- gateway routed by cost ('<model> <alternative> <saving nano-USD>') counts in 'mr', its saving in 'mrs', and the
-- latest decision is kept in 'mrl'.
local function append_turn(sid, skey, prompt, cached, completion, cost, ttft, samples, break_section, break_position,
                           trimmed_tokens, checkpoint, route)
  redis.call('HINCRBY', skey, 'n', 1)
  if route ~= nil and route ~= '' then
    local model, alternative, saving = string.match(route, '^(%S+) (%S+) (%d+)$')
    if model then
      redis.call('HINCRBY', skey, 'mr', 1)
      redis.call('HINCRBY', skey, 'mrs', saving)
      redis.call('HSET', skey, 'mrl', model .. ' ' .. alternative)
    end
  end
  if tonumber(trimmed_tokens or '0') > 0 then
    redis.call('HINCRBY', skey, 'tk', trimmed_tokens)
  end
  if checkpoint ~= nil and checkpoint ~= '' then
    local use, removed = string.match(checkpoint, '^(%a+):(%d+)$')
    if use == 'applied' then
      redis.call('HINCRBY', skey, 'cka', 1)
      redis.call('HINCRBY', skey, 'ckr', removed)
    elseif use == 'mismatch' then
      redis.call('HINCRBY', skey, 'ckm', 1)
    end
  end
  if break_section ~= nil and break_section ~= '' then
    redis.call('HINCRBY', skey, 'pb:' .. break_section, 1)
    redis.call('HSET', skey, 'pbl', break_section .. '@' .. break_position, 'pbt', now)
  end
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
