--[[
  Removes one connection from a room; the user leaves (changed = 1) with their last one,
  unless holdMs > 0: then their slot is kept as a deferred leave, due holdMs from now (on
  Redis's clock), that a join of theirs cancels and reap-2.lua otherwise ends.

  KEYS[1] room connections, KEYS[2] room users, KEYS[3] room profiles, KEYS[4] room held,
  KEYS[5] app occupancy, KEYS[6] node memberships, KEYS[7] deferred leaves (see join-9.lua),
  KEYS[8] presence version
  ARGV appId, roomId, connectionId, holdMs
  Returns nil when the connection was not in the room, else
  {changed, total, userId, profileJson, heldForMs, version}
]]
--#include presence-version.lua
local userId = redis.call('HGET', KEYS[1], ARGV[3])
if not userId then return nil end
redis.call('HDEL', KEYS[1], ARGV[3])
redis.call('SREM', KEYS[6], cjson.encode({ARGV[1], ARGV[2], ARGV[3]}))
local profile = redis.call('HGET', KEYS[3], userId) or ''
local holdMs = tonumber(ARGV[4])
local held = redis.call('HEXISTS', KEYS[4], userId)
local slots = tonumber(redis.call('HGET', KEYS[2], userId) or '0')
if holdMs > 0 and slots - held == 1 then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  redis.call('ZADD', KEYS[7], 'GT', now + holdMs, cjson.encode({ARGV[1], ARGV[2], userId}))
  if held == 1 then
    redis.call('HINCRBY', KEYS[2], userId, -1)
  else
    redis.call('HSET', KEYS[4], userId, 1)
  end
  return {0, redis.call('HLEN', KEYS[2]), userId, profile, holdMs, nextPresenceVersion(KEYS[8])}
end
local changed = 0
if redis.call('HINCRBY', KEYS[2], userId, -1) <= 0 then
  redis.call('HDEL', KEYS[2], userId)
  redis.call('HDEL', KEYS[3], userId)
  changed = 1
end
local total = redis.call('HLEN', KEYS[2])
if total == 0 then
  redis.call('ZREM', KEYS[5], ARGV[2])
else
  redis.call('ZADD', KEYS[5], total, ARGV[2])
end
return {changed, total, userId, profile, 0, nextPresenceVersion(KEYS[8])}
