-- wrk script of bench/perf.sh: counts the responses with the wanted status
-- apart from the others, so that a 503 (queue full) or a 409 (token used)
-- is never taken for work done, and prints one line at the end:
--   wrk.lua: wanted=N other=N ran_out=N seconds=S p50_ms=X p99_ms=Y
--
--   wrk ... -s bench/wrk.lua URL -- 200
--       GET URL, counting 200s.
--   wrk ... -s bench/wrk.lua URL -- 201 TOKENS BODY THREADS
--       POST to URL the JSON in file BODY with "@TOKEN@" replaced by a
--       token not used yet: the lines of file TOKENS (one token a line),
--       thread k of THREADS taking lines k, k + THREADS, ...  Once a thread
--       has used all of its own, it sends its last one again (a 409, not
--       counted) and counts those requests in ran_out: then the figure is
--       a lower bound, and more tokens are needed.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("id", #threads)
end

function init(args)
   want = tonumber(args[1]) or 200
   wanted, other, ran_out = 0, 0, 0
   if args[2] then
      local n = tonumber(args[4])
      tokens, next_token = {}, 0
      local i = 0
      for line in io.lines(args[2]) do
         if i % n == id - 1 and line ~= "" then
            tokens[#tokens + 1] = line
         end
         i = i + 1
      end
      local f = assert(io.open(args[3], "rb"))
      body = f:read("*a")
      f:close()
      headers = {["Content-Type"] = "application/json"}
   end
end

function request()
   if not tokens then
      return wrk.format()
   end
   next_token = next_token + 1
   local t = tokens[next_token]
   if not t then
      ran_out = ran_out + 1
      t = tokens[#tokens]
   end
   return wrk.format("POST", nil, headers, (body:gsub("@TOKEN@", t)))
end

function response(status)
   if status == want then
      wanted = wanted + 1
   else
      other = other + 1
   end
end

function done(summary, latency)
   local w, o, r = 0, 0, 0
   for _, t in ipairs(threads) do
      w = w + t:get("wanted")
      o = o + t:get("other")
      r = r + t:get("ran_out")
   end
   -- Connection errors (refused, reset, timeouts) count as other too.
   local e = summary.errors
   o = o + e.connect + e.read + e.write + e.timeout
   io.write(string.format("wrk.lua: wanted=%d other=%d ran_out=%d seconds=%.3f p50_ms=%.1f p99_ms=%.1f\n",
      w, o, r, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(99) / 1e3))
end
