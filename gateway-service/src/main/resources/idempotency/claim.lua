-- Claims an Idempotency-Key for a request, or says who holds it.
-- KEYS[1] the key's record; ARGV[1] the pending record ("p|<fingerprint>|<owner>"); ARGV[2] its lease in ms.
-- Returns "" when claimed, else the record as it stands.
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return ''
end
return redis.call('GET', KEYS[1]) or ''
