--[[
  Up to `cap` profiles of a room and its distinct-user total, in one round trip, with a
  presence version: the snapshot holds every change of a lower version and none of a higher one.

  KEYS[1] room users, KEYS[2] room profiles, KEYS[3] presence version
  ARGV cap
  Returns {total, {profileJson...}, version}
]]
--#include presence-version.lua
local cap = tonumber(ARGV[1])
local total = redis.call('HLEN', KEYS[1])
local version = nextPresenceVersion(KEYS[3])
local out = {}
if cap <= 0 or total == 0 then return {total, out, version} end
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
return {total, out, version}
