/**
 * The Lua scripts behind the Redis store. Each check-and-increment is one script, so Redis
 * runs it atomically: no other client's command interleaves between the read and the write.
 * Time comes from Redis `TIME` inside the script, never from the calling process: all
 * gateway replicas then share one clock, so a replica whose clock drifts can neither widen
 * nor narrow anyone's window. Every write sets an expiry, so no key outlives its window.
 */

/**
 * Sliding window. KEYS[1] = sorted set of counted calls (score = ms, member = "seq:weight"),
 * KEYS[2] = hash { total, seq }. ARGV = limit, windowMs, increment, mode ("hit" | "add").
 * Returns { allowed (1|0), total, retryAfterMs }. Keeping the total beside the log makes a
 * call O(log n + expired entries) instead of summing the whole window every time.
 */
export const SLIDING_WINDOW_LUA = `
local log, meta = KEYS[1], KEYS[2]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local increment = tonumber(ARGV[3])
local checking = ARGV[4] == 'hit'

local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
-- Newest entry is at most "now", so it leaves the window by now + window; 1 s spare.
local expireAt = now + window + 1000

local total = tonumber(redis.call('HGET', meta, 'total')) or 0
local cutoff = now - window
local expired = redis.call('ZRANGEBYSCORE', log, '-inf', cutoff)
if #expired > 0 then
  for i = 1, #expired do
    total = total - tonumber(string.match(expired[i], ':(%d+)$'))
  end
  redis.call('ZREMRANGEBYSCORE', log, '-inf', cutoff)
  if redis.call('EXISTS', log) == 0 then
    redis.call('DEL', meta)
    total = 0
  else
    redis.call('HSET', meta, 'total', total)
    redis.call('PEXPIREAT', meta, expireAt)
    redis.call('PEXPIREAT', log, expireAt)
  end
end

local weight = math.max(increment, 1)
if (not checking) or total + weight <= limit then
  if increment > 0 then
    local seq = redis.call('HINCRBY', meta, 'seq', 1)
    redis.call('ZADD', log, now, seq .. ':' .. increment)
    total = total + increment
    redis.call('HSET', meta, 'total', total)
    redis.call('PEXPIREAT', meta, expireAt)
    redis.call('PEXPIREAT', log, expireAt)
  end
  return { 1, total, 0 }
end

-- Refused: nothing is written. Retry when enough of the oldest weight has slid out.
if weight > limit then return { 0, total, window } end
local needed = total + weight - limit
local oldest = redis.call('ZRANGE', log, 0, needed - 1, 'WITHSCORES')
local freed = 0
for i = 1, #oldest, 2 do
  freed = freed + tonumber(string.match(oldest[i], ':(%d+)$'))
  if freed >= needed then
    return { 0, total, math.max(1, tonumber(oldest[i + 1]) + window - now) }
  end
end
return { 0, total, window }
`;

/**
 * Fixed-window quota. KEYS[1] = hash { start, calls, bytes } of the window the counts belong
 * to (one key per counter: a new window overwrites the old one instead of leaving it behind).
 * ARGV = calls limit (-1 none), bandwidth bytes (-1 none), periodMs (0 = never renews),
 * firstPeriodStart, incrementCalls, incrementBytes, mode ("check" | "add"), lifetime TTL ms.
 * Returns { allowed (1|0), exceeded (0 none | 1 calls | 2 bandwidth), callsUsed, bytesUsed,
 * periodEnd (-1 = never), now }. The window arithmetic mirrors quota-period.ts.
 */
export const QUOTA_LUA = `
local key = KEYS[1]
local callsLimit = tonumber(ARGV[1])
local bytesLimit = tonumber(ARGV[2])
local periodMs = tonumber(ARGV[3])
local first = tonumber(ARGV[4])
local incrementCalls = tonumber(ARGV[5])
local incrementBytes = tonumber(ARGV[6])
local checking = ARGV[7] == 'check'
local lifetimeTtl = tonumber(ARGV[8])

local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)

local windowStart, windowEnd = first, -1
if periodMs > 0 then
  windowStart = first + math.floor((now - first) / periodMs) * periodMs
  windowEnd = windowStart + periodMs
end

local stored = redis.call('HMGET', key, 'start', 'calls', 'bytes')
local callsUsed, bytesUsed = 0, 0
if tonumber(stored[1]) == windowStart then
  callsUsed = tonumber(stored[2]) or 0
  bytesUsed = tonumber(stored[3]) or 0
end

if checking then
  if callsLimit >= 0 and callsUsed + math.max(incrementCalls, 1) > callsLimit then
    return { 0, 1, callsUsed, bytesUsed, windowEnd, now }
  end
  if bytesLimit >= 0 and bytesUsed + math.max(incrementBytes, 1) > bytesLimit then
    return { 0, 2, callsUsed, bytesUsed, windowEnd, now }
  end
end

if incrementCalls > 0 or incrementBytes > 0 then
  callsUsed = callsUsed + incrementCalls
  bytesUsed = bytesUsed + incrementBytes
  redis.call('HSET', key, 'start', windowStart, 'calls', callsUsed, 'bytes', bytesUsed)
  if windowEnd >= 0 then
    redis.call('PEXPIREAT', key, windowEnd + 1000)
  else
    redis.call('PEXPIRE', key, lifetimeTtl)
  end
end
return { 1, 0, callsUsed, bytesUsed, windowEnd, now }
`;

/**
 * Sliced sliding window (limits above EXACT_LOG_MAX_CALLS, see window-slices.ts), for a
 * batch of calls on one key: every call the gateway process made on the key within one
 * event-loop turn, in arrival order. KEYS[1] = hash { total, head = "<oldest slice>:<sliceMs>",
 * <slice> = count }. ARGV = limit, windowMs, mode ("hit" | "add"), sliceMs, slices, then
 * one increment per call. Returns { allowed, total, retryAfterMs } per call, flattened.
 * The calls are decided one after the other exactly as separate scripts would decide them
 * (all fall in the same slice, since they share Redis' clock), so a batch changes the cost,
 * not the outcome: one script, one HINCRBY and one expiry for the whole batch.
 * The slice length is kept in `head` so that a request with another window (an edited
 * renewal period, or two global policies sharing the key) is measured in the stored slices.
 */
export const SLIDING_SLICES_LUA = `
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local checking = ARGV[3] == 'hit'
local sliceMs = tonumber(ARGV[4])
local slices = tonumber(ARGV[5])

local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)

local stored = redis.call('HMGET', key, 'total', 'head')
local total = tonumber(stored[1]) or 0
local head = nil
if total > 0 and stored[2] then
  local storedHead, storedSlice = string.match(stored[2], '^(%-?%d+):(%d+)$')
  head, sliceMs = tonumber(storedHead), tonumber(storedSlice)
end
local span = math.min(window, slices * sliceMs)
local oldest = math.floor((now - span) / sliceMs)
local headChanged = false

if head ~= nil and head < oldest then
  local gone = {}
  for s = head, math.min(oldest - 1, head + slices) do gone[#gone + 1] = s end
  local counts = redis.call('HMGET', key, unpack(gone))
  for i = 1, #counts do total = total - (tonumber(counts[i]) or 0) end
  if total <= 0 then
    redis.call('DEL', key)
    head, total = nil, 0
    sliceMs = tonumber(ARGV[4])
    span = math.min(window, slices * sliceMs)
  else
    redis.call('HDEL', key, unpack(gone))
    head = oldest
    headChanged = true
  end
end

local slice = math.floor(now / sliceMs)
local added = 0
local live = nil
local results = {}
for i = 6, #ARGV do
  local increment = tonumber(ARGV[i])
  local weight = math.max(increment, 1)
  local retry = 0
  local allowed = 1
  if (not checking) or total + weight <= limit then
    if increment > 0 then
      if head == nil then
        head = slice
        headChanged = true
      end
      total = total + increment
      added = added + increment
    end
  else
    -- Refused: nothing is written. Retry when enough of the oldest slices have left.
    allowed = 0
    retry = window
    if weight <= limit and head ~= nil then
      if live == nil then
        local fields = {}
        for s = head, head + slices do fields[#fields + 1] = s end
        live = redis.call('HMGET', key, unpack(fields))
      end
      local needed = total + weight - limit
      local freed = 0
      for j = 1, #live do
        freed = freed + (tonumber(live[j]) or 0)
        -- Calls this batch counted sit in the current slice (a clock stepping back: in head).
        if head + j - 1 == math.max(slice, head) then freed = freed + added end
        if freed >= needed then
          retry = math.max(1, (head + j) * sliceMs + span - now)
          break
        end
      end
    end
  end
  results[#results + 1] = allowed
  results[#results + 1] = total
  results[#results + 1] = retry
end

if added > 0 then
  -- A clock stepping backwards counts in the oldest live slice, never before head.
  if slice < head then slice = head end
  redis.call('HINCRBY', key, slice, added)
  redis.call('HSET', key, 'total', total, 'head', head .. ':' .. sliceMs)
  -- The newest slice leaves the window by (slice + 1) * sliceMs + span <= now + sliceMs + span.
  redis.call('PEXPIRE', key, span + sliceMs + 1000)
elseif headChanged then
  redis.call('HSET', key, 'total', total, 'head', head .. ':' .. sliceMs)
end
return results
`;
