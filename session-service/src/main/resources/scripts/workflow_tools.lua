-- Counts one turn of a workflow: a turn that offered tools advances the workflow's turn count 'n', and each tool the
-- answer called is marked with the count at that turn ('c:<name>'), so a tool's age is 'n' minus its mark.
-- KEYS[1] the workflow's hash; ARGV[4] '1' when the turn offered tools, ARGV[5] how long the record is kept after its
-- last turn (ms), ARGV[6..] the names of the tools called.
-- Returns the workflow's turn count.
local wkey = KEYS[1]
local n
if ARGV[4] == '1' then
  n = redis.call('HINCRBY', wkey, 'n', 1)
else
  n = tonumber(redis.call('HGET', wkey, 'n') or '0')
end
for i = 6, #ARGV do
  redis.call('HSET', wkey, 'c:' .. ARGV[i], n)
end
redis.call('PEXPIRE', wkey, ARGV[5])
return n
