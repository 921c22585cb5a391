--[[
  Marks a node alive until now + ttl, on Redis's clock so that nodes' clock skew cannot make
  a live node look dead to another.

  KEYS[1] node alive key, KEYS[2] nodes ZSET nodeId -> expiry ms
  ARGV nodeId, ttlMs
]]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[2])
redis.call('SET', KEYS[1], '1', 'PX', ttl)
redis.call('ZADD', KEYS[2], now + ttl, ARGV[1])
return now + ttl
