/**
 * The Redis layout of room history, shared by the Redis store and the
 * emitter. Per room, with a hash tag so both keys live on one slot:
 * - `<prefix>h:{<room>}:m`, a hash: `e` the epoch, `o` the top offset;
 * - `<prefix>h:{<room>}:s`, a stream of frames (field `f`), oldest first.
 * A missing hash means the history was lost (flushed, expired, a new
 * Redis): the next script to run starts a new epoch and drops the stream.
 */
export function historyKeys(keyPrefix: string, room: string): [stream: string, meta: string] {
  return [`${keyPrefix}h:{${room}}:s`, `${keyPrefix}h:{${room}}:m`];
}

/** The channel of a bus topic, as `RedisBus` names it. */
export function topicChannel(keyPrefix: string, topic: string): string {
  return `${keyPrefix}t:${topic}`;
}

/**
 * The `origin` of messages the scripts publish. It is never a node id, so
 * every node delivers them, the publishing node too: delivery on every node
 * follows Redis's order of execution, which is offset order.
 */
export const HISTORY_ORIGIN = 'history';

/** The meta hash of a room with messages lives this long after the last one: a quiet room keeps its epoch. */
export const META_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * The meta hash made for a room that has no message yet (a join or a
 * resume asked its position) lives this long: rooms named by clients cost
 * Redis memory for a bounded time only.
 */
export const EMPTY_META_TTL_MS = 10 * 60 * 1000;

const ENSURE_EPOCH = `
local epoch = redis.call('HGET', KEYS[2], 'e')
if not epoch then
  epoch = ARGV[1]
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[2], 'e', epoch, 'o', 0)
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
end
`;

/**
 * Appends messages of one room and publishes them, in one atomic step (the
 * messages one node sent to the room in one loop turn): bumps the top
 * offset by their count, writes each one's `pos` into its frame (as
 * `withPosition` does), adds each to the stream trimmed by size (MAXLEN),
 * publishes each as `<origin>|<frame>` on the room's channel, in order,
 * then trims the stream by age (MINID, from the time in the last entry's
 * id: no TIME call; every `redis.call` costs several µs of Redis's CPU). Returns `{ first offset, epoch }`:
 * the messages have the offsets that follow from the first, in order.
 *
 * KEYS: stream, meta. ARGV: new epoch, meta ttl ms, room, size, ttl ms,
 * channel, origin, body... (one or more).
 */
export const APPEND_SCRIPT = `${ENSURE_EPOCH}
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

/**
 * What came after an offset: `{ epoch, top, status, frames... }`; status 1
 * when every message after the offset is still kept (frames in order),
 * 0 when not (or when the epoch differs: the caller compares).
 *
 * KEYS: stream, meta. ARGV: new epoch, empty meta ttl ms, after offset, ttl ms, epoch asked.
 */
export const SINCE_SCRIPT = `${ENSURE_EPOCH}
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

/** The room's position: `{ epoch, top }`. KEYS: stream, meta. ARGV: new epoch, empty meta ttl ms. */
export const POSITION_SCRIPT = `${ENSURE_EPOCH}
return {epoch, tonumber(redis.call('HGET', KEYS[2], 'o'))}
`;
