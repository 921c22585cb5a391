--[[
  Marks a node alive until now + ttl, on Redis's clock so that nodes' clock skew cannot make
  a live node look dead to another; says whether it still was, and the store's epoch: a value
  made once by whichever node first finds it missing, so a Redis that started over empty
  shows a new one to every node.

  KEYS[1] node alive key, KEYS[2] nodes ZSET nodeId -> expiry ms, KEYS[3] epoch key
  ARGV nodeId, ttlMs
  Returns {registered 0|1, epoch}
]]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[2])
local registered = redis.call('EXISTS', KEYS[1])
redis.call('SET', KEYS[1], '1', 'PX', ttl)
redis.call('ZADD', KEYS[2], now + ttl, ARGV[1])
local epoch = redis.call('GET', KEYS[3])
if not epoch then
  epoch = t[1] .. '.' .. t[2] .. '.' .. ARGV[1]
  redis.call('SET', KEYS[3], epoch)
end
return {registered, epoch}
