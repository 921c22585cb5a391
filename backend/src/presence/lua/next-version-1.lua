--[[
  A fresh presence version, for totals read after it (see include/presence-version.lua).

  KEYS[1] presence version
  Returns the version
]]
--#include presence-version.lua
return nextPresenceVersion(KEYS[1])
