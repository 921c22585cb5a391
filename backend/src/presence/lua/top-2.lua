--[[
  Candidates for the top `n` rooms: every room ranked above the n-th room's occupancy, plus
  the rooms tied with it (at most `maxTies`), each with its last activity. The caller sorts
  the ties by activity: the ZSET alone would break them by room id.

  KEYS[1] app occupancy ZSET, KEYS[2] app activity HASH
  ARGV n, maxTies
  Returns flat {roomId, occupancy, activityMs|false, ...}
]]
local n = tonumber(ARGV[1])
if n <= 0 then return {} end
local head = redis.call('ZREVRANGE', KEYS[1], 0, n - 1, 'WITHSCORES')
if #head == 0 then return {} end
local boundary = head[#head]
local rooms = {}
local scores = {}
for i = 1, #head, 2 do
  if tonumber(head[i + 1]) > tonumber(boundary) then
    rooms[#rooms + 1] = head[i]
    scores[#scores + 1] = head[i + 1]
  end
end
local ties = redis.call('ZRANGEBYSCORE', KEYS[1], boundary, boundary, 'LIMIT', 0, tonumber(ARGV[2]))
for i = 1, #ties do
  rooms[#rooms + 1] = ties[i]
  scores[#scores + 1] = boundary
end
local activity = redis.call('HMGET', KEYS[2], unpack(rooms))
local out = {}
for i = 1, #rooms do
  out[#out + 1] = rooms[i]
  out[#out + 1] = scores[i]
  out[#out + 1] = activity[i]
end
return out
