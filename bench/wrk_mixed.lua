-- wrk script: a mixed load of signed-in users. Each request picks one of the sessions listed
-- in $BENCH_SESSIONS ("cookie<TAB>csrf secret<TAB>proposal id" per line) and, 1 time in
-- $BENCH_SAVE_EVERY (default 20), saves a comment on that user's proposal (a write that moves
-- the portfolio version, so cached pages are rebuilt); otherwise it browses one of the pages.
local sessions = {}
for line in io.lines(os.getenv("BENCH_SESSIONS")) do
  local cookie, secret, proposal = line:match("^(.-)\t(.-)\t(.-)$")
  if cookie then table.insert(sessions, {cookie = cookie, secret = secret, proposal = proposal}) end
end
local save_every = tonumber(os.getenv("BENCH_SAVE_EVERY") or "20")
local pages = {
  "/proposals/", "/proposals/?q=%EC%88%98%EC%86%8C", "/proposals/?ordering=-progress&page=2",
  "/reviews/dashboard/", "/proposals/my-department/", "/reviews/meetings/", "DETAIL",
}
local extra = os.getenv("BENCH_EXTRA_PAGES") or ""
for url in extra:gmatch("%S+") do table.insert(pages, url) end
local n = 0

init = function(args)
  math.randomseed(os.time() + n)
end

request = function()
  n = n + 1
  local s = sessions[math.random(#sessions)]
  if n % save_every == 0 then
    local body = "csrfmiddlewaretoken=" .. s.secret .. "&body=bench+comment+" .. n
    return wrk.format("POST", "/proposals/" .. s.proposal .. "/comments/", {
      ["Cookie"] = s.cookie,
      ["Content-Type"] = "application/x-www-form-urlencoded",
    }, body)
  end
  local page = pages[math.random(#pages)]
  if page == "DETAIL" then page = "/proposals/" .. s.proposal .. "/" end
  return wrk.format("GET", page, {["Cookie"] = s.cookie})
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    "RESULT rps=%.1f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f requests=%d errors=%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.requests, errors))
end
