-- Admits one request against the session's context limits and budgets and holds its estimate until settle or
-- release. One script, so concurrent reservations can never together pass a budget.
-- KEYS[1] the session's hash; ARGV[4] session id, ARGV[5] reservation id, ARGV[6] prompt tokens, ARGV[7] held tokens (prompt + max_tokens),
-- ARGV[8] held cost (nano-USD; -1 when the model has no price), ARGV[9] reservation expiry (epoch ms),
-- ARGV[10] reservation record ttl (ms), ARGV[11] model.
-- Returns {'admitted', tokens, cost, expires at} | {'not_found'} | {'model_not_priced'} | {'request_id_reused'}
-- | {refused limit, limit value, numbers...}.
local sid, rid = ARGV[4], ARGV[5]
local prompt, tokens, cost, expires = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
local skey = owned(sid)
if not skey then return {'not_found'} end
local rkey = key('v:' .. rid, sid)
local earlier = redis.call('HMGET', rkey, 's', 't', 'c', 'e', 'st')
if earlier[1] then
  if earlier[1] == sid and earlier[5] == 'r' then
    -- The same request id again while its hold is open (a retried call): the same reservation, no second hold.
    return {'admitted', tonumber(earlier[2]), tonumber(earlier[3]), tonumber(earlier[4])}
  end
  -- Reused after settle, release or expiry, or released by request id before it arrived: a new request must not ride
  -- on a finished reservation, and a reserve that lost the race with its own release must not hold budget.
  return {'request_id_reused'}
end
reclaim(sid, skey)
local s = redis.call('HMGET', skey, 'bc', 'bg', 'bt', 'bu', 'lp', 'pt', 'ot', 'uc', 'rt', 'rc')
local maxContext, maxGrowth, maxTokens, maxCost = tonumber(s[1]), tonumber(s[2]), tonumber(s[3]), tonumber(s[4])
if maxContext and prompt > maxContext then
  return {'max_context_tokens', maxContext, prompt}
end
local last = tonumber(s[5])
-- Growth is measured from the previous settled turn; a first turn has nothing to grow from.
if maxGrowth and last and prompt - last > maxGrowth then
  return {'max_growth_tokens_per_turn', maxGrowth, prompt - last, last}
end
local committedTokens = (tonumber(s[6]) or 0) + (tonumber(s[7]) or 0) + (tonumber(s[9]) or 0)
if maxTokens and committedTokens + tokens > maxTokens then
  return {'max_total_tokens', maxTokens, committedTokens, tokens}
end
if cost < 0 then
  -- Unpriced model: free unless a cost budget must be enforced, which cannot be done without a price.
  if maxCost then return {'model_not_priced'} end
  cost = 0
end
local committedCost = (tonumber(s[8]) or 0) + (tonumber(s[10]) or 0)
if maxCost and committedCost + cost > maxCost then
  return {'max_cost_usd', maxCost, committedCost, cost}
end
redis.call('HINCRBY', skey, 'rt', tokens)
redis.call('HINCRBY', skey, 'rc', cost)
redis.call('HSET', rkey, 's', sid, 't', tokens, 'c', cost, 'e', expires, 'm', ARGV[11], 'st', 'r')
redis.call('PEXPIRE', rkey, ARGV[10])
local rz = key('r', sid)
redis.call('ZADD', rz, expires, hold_member(rid, tokens, cost))
redis.call('PEXPIRE', rz, redis.call('PTTL', skey))
return {'admitted', tokens, cost, expires}
