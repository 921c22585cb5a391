--[[
  Keeps a user present in a room until forMs from now, present before or not: a leave the
  store lost (or a deferred leave re-asserted after Redis restarted), finalized later by
  reap-2.lua like any deferred leave.

  KEYS[1] room users, KEYS[2] room profiles, KEYS[3] room held, KEYS[4] app occupancy,
  KEYS[5] deferred leaves (see join-9.lua), KEYS[6] presence version
  ARGV appId, roomId, userId, profileJson, forMs
  Returns {total, version}
]]
--#include presence-version.lua
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[5], 'GT', now + tonumber(ARGV[5]), cjson.encode({ARGV[1], ARGV[2], ARGV[3]}))
if redis.call('HSETNX', KEYS[3], ARGV[3], 1) == 1 then
  redis.call('HINCRBY', KEYS[1], ARGV[3], 1)
  redis.call('HSETNX', KEYS[2], ARGV[3], ARGV[4])
  redis.call('ZADD', KEYS[4], redis.call('HLEN', KEYS[1]), ARGV[2])
end
return {redis.call('HLEN', KEYS[1]), nextPresenceVersion(KEYS[6])}
