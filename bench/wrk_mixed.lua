-- wrk script: a mixed load of signed-in users. Each connection is one user at a time: every
-- request picks one of the sessions in $BENCH_SESSIONS ("cookie<TAB>csrf secret<TAB>proposal
-- id<TAB>role" per line) and, 1 time in $BENCH_SAVE_EVERY (default 20) when it is a head,
-- saves a comment on a proposal the department leads (a remark: it moves that proposal's
-- remarks version, so that proposal's page is rebuilt, and no other; a status update, which
-- rebuilds every page, is measured on its own); otherwise it opens one of the pages (heads
-- also their 내 부서). The connections send back to back. The result line comes from
-- bench/wrk_report.lua.
dofile("bench/wrk_report.lua")
local sessions = {}
for line in io.lines(os.getenv("BENCH_SESSIONS")) do
  local cookie, secret, proposal, role = line:match("^(.-)\t(.-)\t(.-)\t(.-)$")
  if cookie then
    table.insert(sessions, {cookie = cookie, secret = secret, proposal = proposal, role = role})
  end
end
local save_every = tonumber(os.getenv("BENCH_SAVE_EVERY") or "20")
local pages = {
  "/proposals/", "/proposals/?q=%EC%88%98%EC%86%8C", "/proposals/?ordering=-progress&page=2",
  "/reviews/dashboard/", "/reviews/meetings/", "DETAIL", "MINE",
}
local n = 0

init = function(args)
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
end

request = function()
  n = n + 1
  local s = sessions[math.random(#sessions)]
  if n % save_every == 0 and s.role == "head" then
    local body = "csrfmiddlewaretoken=" .. s.secret .. "&body=bench+comment+" .. n
    return wrk.format("POST", "/proposals/" .. s.proposal .. "/comments/", {
      ["Cookie"] = s.cookie,
      ["Content-Type"] = "application/x-www-form-urlencoded",
    }, body)
  end
  local page = pages[math.random(#pages)]
  if page == "DETAIL" then page = "/proposals/" .. s.proposal .. "/" end
  if page == "MINE" then
    page = s.role == "head" and "/proposals/my-department/" or "/proposals/"
  end
  return wrk.format("GET", page, {["Cookie"] = s.cookie})
end
