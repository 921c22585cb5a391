--[[
  Counts a user's connection across all nodes, refusing the one above the cap, and says
  whether another node holds one of the user's connections too.

  KEYS[1] user connections HASH connectionId -> nodeId
  KEYS[2] node connections SET of JSON [appId, userId, connectionId]
  ARGV appId, userId, connectionId, nodeId, max
  Returns 0 when the user is at the cap (nothing recorded); once recorded (or already
  recorded), 1 when every connection of the user's is on this node, 2 when one is elsewhere
]]
if redis.call('HEXISTS', KEYS[1], ARGV[3]) == 0 then
  if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[5]) then return 0 end
  redis.call('HSET', KEYS[1], ARGV[3], ARGV[4])
  redis.call('SADD', KEYS[2], cjson.encode({ARGV[1], ARGV[2], ARGV[3]}))
end
for _, node in ipairs(redis.call('HVALS', KEYS[1])) do
  if node ~= ARGV[4] then return 2 end
end
return 1
