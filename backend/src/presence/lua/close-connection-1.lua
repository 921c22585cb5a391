--[[
  Uncounts a connection; the node that recorded it is read from the hash, since the caller
  of closeConnection does not pass it.

  KEYS[1] user connections HASH connectionId -> nodeId
  ARGV keyPrefix, appId, userId, connectionId
]]
local nodeId = redis.call('HGET', KEYS[1], ARGV[4])
if not nodeId then return 0 end
redis.call('HDEL', KEYS[1], ARGV[4])
redis.call('SREM', ARGV[1] .. 'node:' .. nodeId .. ':c', cjson.encode({ARGV[2], ARGV[3], ARGV[4]}))
return 1
