--[[
  Adds one connection to a room. A user counts once however many connections they have;
  the per-app occupancy ZSET is kept equal to the distinct-user count so lists and the
  ranking read it in one command. A user held by a deferred leave takes their slot back:
  they never left, so it is no change.

  KEYS[1] room connections  HASH connectionId -> userId
  KEYS[2] room users        HASH userId -> slots (connections in this room, +1 while held)
  KEYS[3] room profiles     HASH userId -> profile JSON
  KEYS[4] room held         HASH userId -> 1 while a deferred leave keeps the user present
  KEYS[5] app occupancy     ZSET roomId -> distinct users
  KEYS[6] app activity      HASH roomId -> epoch ms
  KEYS[7] node memberships  SET of JSON [appId, roomId, connectionId]
  KEYS[8] deferred leaves   ZSET JSON [appId, roomId, userId] -> due epoch ms
  KEYS[9] presence version  (see include/presence-version.lua)

  ARGV appId, roomId, connectionId, userId, profileJson, nowMs ('' = leave activity alone)
  Returns {changed 0|1, total, version}
]]
--#include presence-version.lua
if ARGV[6] ~= '' then redis.call('HSET', KEYS[6], ARGV[2], ARGV[6]) end
if redis.call('HSETNX', KEYS[1], ARGV[3], ARGV[4]) == 0 then
  return {0, redis.call('HLEN', KEYS[2]), nextPresenceVersion(KEYS[9])}
end
redis.call('HSET', KEYS[3], ARGV[4], ARGV[5])
redis.call('SADD', KEYS[7], cjson.encode({ARGV[1], ARGV[2], ARGV[3]}))
local changed = 0
if redis.call('HDEL', KEYS[4], ARGV[4]) == 1 then
  redis.call('ZREM', KEYS[8], cjson.encode({ARGV[1], ARGV[2], ARGV[4]}))
elseif redis.call('HINCRBY', KEYS[2], ARGV[4], 1) == 1 then
  changed = 1
end
local total = redis.call('HLEN', KEYS[2])
redis.call('ZADD', KEYS[5], total, ARGV[2])
return {changed, total, nextPresenceVersion(KEYS[9])}
