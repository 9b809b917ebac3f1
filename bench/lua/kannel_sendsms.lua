-- wrk script: Kannel sendsms GETs as tuki's Kannel driver builds them (P2 through Kannel,
-- baseline): the same parameters (username, password, from, to, text, charset, dlr-mask,
-- dlr-url carrying a message id), a distinct `to` per request (+3584NNNNNNNN), one text.
-- Usage: wrk -c CONNS -s kannel_sendsms.lua http://127.0.0.1:SENDSMS_PORT -- \
--          USER PASSWORD DLR_BASE_URL DLR_MASK TEXT
-- DLR_BASE_URL is the server Kannel calls back (e.g. http://127.0.0.1:PORT/v1/gateways/kannel/dlr);
-- "?msgid=N&status=%d&answer=%A&ts=%T" is appended, as tuki does.
local user, pass, dlr_base, dlr_mask, text = "bench", "bench", "http://127.0.0.1:9/dlr", "31", "Hei"
local counter = 0

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
  user = args[1] or user
  pass = args[2] or pass
  dlr_base = args[3] or dlr_base
  dlr_mask = args[4] or dlr_mask
  text = args[5] or text
  -- Distinct numbers per wrk thread: each thread starts its counter in its own range.
  local id = wrk.thread and tonumber(tostring(wrk.thread):match("0x(%x+)"), 16) or 0
  counter = (id % 97) * 1000000
end

function request()
  counter = counter + 1
  local to = string.format("+3584%08d", counter)
  local dlr = dlr_base .. "?msgid=" .. counter .. "&status=%d&answer=%A&ts=%T"
  return wrk.format("GET", "/cgi-bin/sendsms?username=" .. urlencode(user) .. "&password="
    .. urlencode(pass) .. "&from=tuki&to=" .. urlencode(to) .. "&text=" .. urlencode(text)
    .. "&charset=UTF-8&dlr-mask=" .. dlr_mask .. "&dlr-url=" .. urlencode(dlr))
end
