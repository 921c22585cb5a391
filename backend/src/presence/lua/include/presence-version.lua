-- The next presence version: Redis's clock in microseconds, kept strictly above the last one
-- handed out. Every change of presence and every snapshot takes one inside its script, so
-- versions order them exactly as Redis applied them, whichever node publishes first. After a
-- Redis restart the key is gone but the clock is not, so versions keep growing.
local function nextPresenceVersion(key)
  local t = redis.call('TIME')
  local v = tonumber(t[1]) * 1000000 + tonumber(t[2])
  local last = tonumber(redis.call('GET', key) or '0')
  if v <= last then v = last + 1 end
  redis.call('SET', key, string.format('%.0f', v))
  return v
end
