--[[
  Up to `cap` profiles of a room and its distinct-user total, in one round trip.

  KEYS[1] room users, KEYS[2] room profiles
  ARGV cap
  Returns {total, {profileJson...}}
]]
local cap = tonumber(ARGV[1])
local total = redis.call('HLEN', KEYS[1])
local out = {}
if cap <= 0 or total == 0 then return {total, out} end
local seen = {}
local cursor = '0'
repeat
  local page = redis.call('HSCAN', KEYS[2], cursor, 'COUNT', math.max(cap, 10))
  cursor = page[1]
  local fields = page[2]
  for i = 1, #fields, 2 do
    if #out < cap and not seen[fields[i]] then
      seen[fields[i]] = true
      out[#out + 1] = fields[i + 1]
    end
  end
until cursor == '0' or #out >= cap
return {total, out}
