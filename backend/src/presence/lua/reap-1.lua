--[[
  Removes every membership and connection of lapsed nodes (or of one named node), in one
  atomic step, so that nodes reaping at once cannot both report the same departure.
  Keys are derived from the prefix because the dead nodes are only known inside the script
  (single-instance Redis; not cluster-safe by design).

  KEYS[1] nodes ZSET nodeId -> expiry ms
  ARGV keyPrefix, selfId, nodeId ('' = every lapsed node except selfId)
  Returns flat {appId, roomId, userId, profileJson, total, ...} for users who left a room
]]
local prefix = ARGV[1]
local nodes
if ARGV[3] ~= '' then
  nodes = {ARGV[3]}
else
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  nodes = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. now)
end

local out = {}
for _, nodeId in ipairs(nodes) do
  if nodeId ~= ARGV[2] or ARGV[3] ~= '' then
    local membershipsKey = prefix .. 'node:' .. nodeId .. ':m'
    for _, entry in ipairs(redis.call('SMEMBERS', membershipsKey)) do
      local m = cjson.decode(entry)
      local appId, roomId, connectionId = m[1], m[2], m[3]
      local room = prefix .. 'room:' .. appId .. ':' .. roomId
      local userId = redis.call('HGET', room .. ':conns', connectionId)
      if userId then
        redis.call('HDEL', room .. ':conns', connectionId)
        local profile = redis.call('HGET', room .. ':profiles', userId) or ''
        local left = redis.call('HINCRBY', room .. ':users', userId, -1) <= 0
        if left then
          redis.call('HDEL', room .. ':users', userId)
          redis.call('HDEL', room .. ':profiles', userId)
        end
        local total = redis.call('HLEN', room .. ':users')
        if total == 0 then
          redis.call('ZREM', prefix .. 'occ:' .. appId, roomId)
        else
          redis.call('ZADD', prefix .. 'occ:' .. appId, total, roomId)
        end
        if left then
          out[#out + 1] = appId
          out[#out + 1] = roomId
          out[#out + 1] = userId
          out[#out + 1] = profile
          out[#out + 1] = total
        end
      end
    end
    local connectionsKey = prefix .. 'node:' .. nodeId .. ':c'
    for _, entry in ipairs(redis.call('SMEMBERS', connectionsKey)) do
      local c = cjson.decode(entry)
      local userConnections = prefix .. 'uconn:' .. c[1] .. ':' .. c[2]
      if redis.call('HGET', userConnections, c[3]) == nodeId then
        redis.call('HDEL', userConnections, c[3])
      end
    end
    redis.call('DEL', membershipsKey, connectionsKey, prefix .. 'node:' .. nodeId .. ':alive')
    redis.call('ZREM', KEYS[1], nodeId)
  end
end
return out
