/**
 * The history scripts of the release before the cheaper append (main at
 * 8e119d6), word for word: a node of that version and a node of this one
 * share a Redis during a rolling deploy, and the tests check that they
 * number and keep a room's messages together.
 *
 * APPEND, KEYS: stream, meta. ARGV: new epoch, meta ttl ms, room, size,
 * ttl ms, channel, origin, body... SINCE, KEYS: stream, meta. ARGV: new
 * epoch, empty meta ttl ms, after offset, ttl ms, epoch asked.
 */
const ENSURE_EPOCH = `
local epoch = redis.call('HGET', KEYS[2], 'e')
if not epoch then
  epoch = ARGV[1]
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[2], 'e', epoch, 'o', 0)
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
end
`;

export const PREVIOUS_APPEND_SCRIPT = `${ENSURE_EPOCH}
local count = #ARGV - 7
local first = redis.call('HINCRBY', KEYS[2], 'o', count) - count + 1
local head = ',"pos":{"room":"' .. ARGV[3] .. '","offset":'
local tail = ',"epoch":"' .. epoch .. '"}}'
local origin = ARGV[7] .. '|'
local id
for i = 1, count do
  local frame = ARGV[7 + i] .. head .. (first + i - 1) .. tail
  id = redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[4], '*', 'f', frame)
  redis.call('PUBLISH', ARGV[6], origin .. frame)
end
local ms = tonumber(string.match(id, '^(%d+)'))
redis.call('XTRIM', KEYS[1], 'MINID', tostring(ms - tonumber(ARGV[5])))
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return {first, epoch}
`;

export const PREVIOUS_SINCE_SCRIPT = `${ENSURE_EPOCH}
local top = tonumber(redis.call('HGET', KEYS[2], 'o'))
local after = tonumber(ARGV[3])
if epoch ~= ARGV[5] or after > top then return {epoch, top, 0} end
local want = top - after
if want == 0 then return {epoch, top, 1} end
local entries = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', want)
if #entries < want then return {epoch, top, 0} end
local now = redis.call('TIME')
local oldest = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - tonumber(ARGV[4])
local result = {epoch, top, 1}
for i = #entries, 1, -1 do
  local entry = entries[i]
  if i == #entries and tonumber(string.match(entry[1], '^(%d+)')) < oldest then
    return {epoch, top, 0}
  end
  result[#result + 1] = entry[2][2]
end
return result
`;
