--[[
  Removes one connection from a room; the user leaves (changed = 1) with their last one.

  KEYS[1] room connections, KEYS[2] room users, KEYS[3] room profiles,
  KEYS[4] app occupancy, KEYS[5] node memberships (see join-6.lua)
  ARGV appId, roomId, connectionId
  Returns nil when the connection was not in the room, else {changed, total, userId, profileJson}
]]
local userId = redis.call('HGET', KEYS[1], ARGV[3])
if not userId then return nil end
redis.call('HDEL', KEYS[1], ARGV[3])
redis.call('SREM', KEYS[5], cjson.encode({ARGV[1], ARGV[2], ARGV[3]}))
local profile = redis.call('HGET', KEYS[3], userId) or ''
local changed = 0
if redis.call('HINCRBY', KEYS[2], userId, -1) <= 0 then
  redis.call('HDEL', KEYS[2], userId)
  redis.call('HDEL', KEYS[3], userId)
  changed = 1
end
local total = redis.call('HLEN', KEYS[2])
if total == 0 then
  redis.call('ZREM', KEYS[4], ARGV[2])
else
  redis.call('ZADD', KEYS[4], total, ARGV[2])
end
return {changed, total, userId, profile}
