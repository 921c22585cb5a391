--[[
  Takes users out of presence in one atomic step, so that nodes doing it at once cannot both
  report the same departure:
  - nodes: every membership and connection of lapsed nodes (or of one named node);
  - holds: the deferred leaves that are due.
  Keys are derived from the prefix because the rooms are only known inside the script
  (single-instance Redis; not cluster-safe by design).

  KEYS[1] nodes ZSET nodeId -> expiry ms
  KEYS[2] deferred leaves ZSET JSON [appId, roomId, userId] -> due epoch ms
  ARGV keyPrefix, selfId, nodeId ('' = every lapsed node except selfId),
       reapNodes '1'|'0', endDueHolds '1'|'0'
  Returns flat {appId, roomId, userId, profileJson, total, version, ...} for users who left a room
]]
--#include presence-version.lua
local prefix = ARGV[1]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local out = {}

-- One slot of the user in the room goes; with the last one the user leaves, and is reported.
local function dropSlot(appId, roomId, userId)
  local room = prefix .. 'room:' .. appId .. ':' .. roomId
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
    out[#out + 1] = nextPresenceVersion(prefix .. 'pver')
  end
end

if ARGV[4] == '1' then
  local nodes
  if ARGV[3] ~= '' then
    nodes = {ARGV[3]}
  else
    nodes = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. now)
  end
  for _, nodeId in ipairs(nodes) do
    if nodeId ~= ARGV[2] or ARGV[3] ~= '' then
      local membershipsKey = prefix .. 'node:' .. nodeId .. ':m'
      for _, entry in ipairs(redis.call('SMEMBERS', membershipsKey)) do
        local m = cjson.decode(entry)
        local conns = prefix .. 'room:' .. m[1] .. ':' .. m[2] .. ':conns'
        local userId = redis.call('HGET', conns, m[3])
        if userId then
          redis.call('HDEL', conns, m[3])
          dropSlot(m[1], m[2], userId)
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
end

if ARGV[5] == '1' then
  for _, entry in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 1000)) do
    redis.call('ZREM', KEYS[2], entry)
    local h = cjson.decode(entry)
    if redis.call('HDEL', prefix .. 'room:' .. h[1] .. ':' .. h[2] .. ':held', h[3]) == 1 then
      dropSlot(h[1], h[2], h[3])
    end
  end
end
return out
