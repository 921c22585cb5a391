--[[
  Adds one connection to a room. A user counts once however many connections they have;
  the per-app occupancy ZSET is kept equal to the distinct-user count so lists and the
  ranking read it in one command.

  KEYS[1] room connections  HASH connectionId -> userId
  KEYS[2] room users        HASH userId -> connections in this room
  KEYS[3] room profiles     HASH userId -> profile JSON
  KEYS[4] app occupancy     ZSET roomId -> distinct users
  KEYS[5] app activity      HASH roomId -> epoch ms
  KEYS[6] node memberships  SET of JSON [appId, roomId, connectionId]

  ARGV appId, roomId, connectionId, userId, profileJson, nowMs
  Returns {changed 0|1, total}
]]
local entry = cjson.encode({ARGV[1], ARGV[2], ARGV[3]})
redis.call('HSET', KEYS[5], ARGV[2], ARGV[6])
if redis.call('HSETNX', KEYS[1], ARGV[3], ARGV[4]) == 0 then
  return {0, redis.call('HLEN', KEYS[2])}
end
redis.call('HSET', KEYS[3], ARGV[4], ARGV[5])
local count = redis.call('HINCRBY', KEYS[2], ARGV[4], 1)
local total = redis.call('HLEN', KEYS[2])
redis.call('ZADD', KEYS[4], total, ARGV[2])
redis.call('SADD', KEYS[6], entry)
if count == 1 then return {1, total} end
return {0, total}
