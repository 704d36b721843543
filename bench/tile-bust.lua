-- wrk script for bench/run.sh: every request asks the URL's tile with a `datetime` never asked
-- before (an interval from a new day of an early year, open at its end, which every synthetic
-- feature meets), so forcemap computes each tile instead of answering from its tile cache.
-- Each thread counts through its own range of years.

local threads = 0

function setup(thread)
  thread:set("first_year", 1000 + threads * 4000)
  threads = threads + 1
end

function init(args)
  asked = 0
end

function request()
  asked = asked + 1
  local year = first_year + math.floor(asked / 336)
  local month = math.floor((asked % 336) / 28) + 1
  local day = asked % 28 + 1
  local separator = wrk.path:find("?", 1, true) and "&" or "?"
  return wrk.format(nil, string.format("%s%sdatetime=%04d-%02d-%02d/..", wrk.path, separator,
    year, month, day))
end
