--[[
  Counts a user's connection across all nodes, refusing the one above the cap.

  KEYS[1] user connections HASH connectionId -> nodeId
  KEYS[2] node connections SET of JSON [appId, userId, connectionId]
  ARGV appId, userId, connectionId, nodeId, max
  Returns 1 when recorded (or already recorded), 0 when the user is at the cap
]]
if redis.call('HEXISTS', KEYS[1], ARGV[3]) == 1 then return 1 end
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[5]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[3], ARGV[4])
redis.call('SADD', KEYS[2], cjson.encode({ARGV[1], ARGV[2], ARGV[3]}))
return 1
