-- wrk script: Kannel-style MO requests (get-url), one per call, spread over N students.
-- Phones are +3584000NNNNNN for student index NNNNNN (the bench imports them that way);
-- every request carries a unique Kannel id, so none is a duplicate.
-- Usage: wrk -c CONNS -s kannel_mo.lua http://127.0.0.1:PORT -- STUDENTS [PATH] [RATE]
-- With RATE (requests/s in all) each connection waits CONNS/RATE s between requests, so the
-- load is paced near RATE (for latency at a fixed rate; wrk itself has no rate option).
local students = 100000
local path = "/v1/gateways/kannel/inbound"
local delay_ms = nil
local conns = 64
local counter = 0
local replies = {"2", "kyl", "3", "ei hyvin", "1", "jah", "taip", "yes", "4", "nē"}

function init(args)
  if args[1] then students = tonumber(args[1]) end
  if args[2] and args[2] ~= "" then path = args[2] end
  if args[3] then delay_ms = conns * 1000 / tonumber(args[3]) end
  math.randomseed(os.time() + (wrk.thread and tonumber(tostring(wrk.thread):match("0x(%x+)"), 16) or 0))
  counter = math.random(1, 1000000000)
end

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function delay()
  if delay_ms then return -delay_ms * math.log(1 - math.random()) end
  return 0
end

function request()
  counter = counter + 1
  local i = math.random(0, students - 1)
  local phone = string.format("+3584%08d", i)
  local text = replies[(counter % #replies) + 1]
  local id = string.format("bench-%d-%d", counter, math.random(1, 1000000000))
  return wrk.format("GET", path .. "?from=" .. urlencode(phone) .. "&to=tuki&text=" .. urlencode(text)
    .. "&time=1795355905&smsc=fake&id=" .. id .. "&coding=0&charset=UTF-8")
end
