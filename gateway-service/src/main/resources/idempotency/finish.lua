-- Ends a claim: replaces the pending record with the outcome (ARGV[2], kept ARGV[3] ms), or deletes it when ARGV[2]
-- is empty (the request may run again). Only the claim's owner may: after its lease ran out, another request may hold
-- the key, and its record is left alone.
-- KEYS[1] the key's record; ARGV[1] the owner's pending record.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
end
return 1
