-- Applies one saga event to the order-journey read model, atomically with its dedup mark:
-- a redelivered event finds its mark and changes nothing (returns 0).
-- KEYS: 1 processed mark of the event, 2 the order's journey hash, 3 the order's steps list,
--       4 in-flight orders per sku (hash), 5 the summary counters (hash)
-- ARGV: 1 event type, 2 step (JSON), 3 mark TTL seconds, 4 items of OrderPlaced (JSON) or '',
--       5 final status or '', 6 occurredAt, 7 journey TTL seconds
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[3]) then
  return 0
end
redis.call('RPUSH', KEYS[3], ARGV[2])
redis.call('HINCRBY', KEYS[5], 'events', 1)
local final = redis.call('HGET', KEYS[2], 'final')
if ARGV[1] == 'OrderPlaced' then
  redis.call('HSET', KEYS[2], 'placedAt', ARGV[6], 'items', ARGV[4])
  redis.call('HINCRBY', KEYS[5], 'placed', 1)
  -- An order that is final already (its outcome overtook a replayed OrderPlaced) is not in flight.
  if not final then
    redis.call('HSET', KEYS[2], 'status', 'IN_FLIGHT', 'counted', '1')
    local seen = {}
    for _, item in ipairs(cjson.decode(ARGV[4])) do
      if not seen[item.sku] then
        seen[item.sku] = true
        redis.call('HINCRBY', KEYS[4], item.sku, 1)
      end
    end
  end
elseif ARGV[5] ~= '' and not final then
  redis.call('HSET', KEYS[2], 'status', ARGV[5], 'final', '1', 'finalAt', ARGV[6])
  redis.call('HINCRBY', KEYS[5], string.lower(ARGV[5]), 1)
  if redis.call('HGET', KEYS[2], 'counted') == '1' then
    redis.call('HSET', KEYS[2], 'counted', '0')
    local items = redis.call('HGET', KEYS[2], 'items')
    local seen = {}
    for _, item in ipairs(cjson.decode(items)) do
      if not seen[item.sku] then
        seen[item.sku] = true
        if redis.call('HINCRBY', KEYS[4], item.sku, -1) <= 0 then redis.call('HDEL', KEYS[4], item.sku) end
      end
    end
  end
elseif not redis.call('HGET', KEYS[2], 'status') then
  redis.call('HSET', KEYS[2], 'status', 'IN_FLIGHT')
end
redis.call('EXPIRE', KEYS[2], ARGV[7])
redis.call('EXPIRE', KEYS[3], ARGV[7])
return 1
