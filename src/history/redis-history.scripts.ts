/**
 * The Redis layout of room history, shared by the Redis store and the
 * emitter. Per room, with a hash tag so both keys live on one slot:
 * - `<prefix>h:{<room>}:m`, a hash: `e` the epoch, `o` the top offset,
 *   `t` the time (ms, Redis's clock) of the last upkeep (see `APPEND_SCRIPT`);
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
 * The longest a room's keys go without their expiry being refreshed and
 * their stream trimmed by age, in ms (or the retention's `ttlMs`, when
 * shorter): the append script does that upkeep at most once per interval
 * per room (across every node: the time of the last one is in the meta
 * hash, field `t`), not once per message. A quiet room's stream expires
 * between `ttlMs` and `ttlMs` + this interval after its last message.
 */
export const UPKEEP_INTERVAL_MS = 1000;

/**
 * Appends messages of one room and publishes them, in one atomic step (the
 * messages one node sent to the room in one loop turn): reads the epoch and
 * the time of the last upkeep (one HMGET), bumps the top offset by their
 * count (one HINCRBY), writes each one's `pos` into its frame (as
 * `withPosition` does), adds each to the stream trimmed by size (XADD with
 * `MAXLEN ~`: whole stream nodes only, so the stream may hold a few more
 * than `size`; `SINCE_SCRIPT` never replays more than `size`), and
 * publishes each as `<origin>|<frame>` on the room's channel, in order:
 * two `redis.call`s per message and two per call (every `redis.call` costs
 * a few µs of Redis's CPU on a small VM).
 *
 * Upkeep, when the last one is at least the interval old (by the time in
 * the new entry's id: no TIME call): the stream is trimmed by age (MINID),
 * expires `ttl + interval` from now (so every message appended before the
 * next upkeep stays its `ttl`), the meta hash `META_TTL_MS` from now, and
 * `t` notes the time. Returns `{ first offset, epoch }`: the messages have
 * the offsets that follow from the first, in order.
 *
 * Same keys and fields as the script it replaced (one HGET, one HINCRBY,
 * XADD with exact MAXLEN, PUBLISH, XTRIM, two PEXPIRE per call), which
 * ignores `t`: nodes of both versions share a room's offsets and epoch.
 *
 * KEYS: stream, meta. ARGV: new epoch, meta ttl ms, room, size, ttl ms,
 * channel, origin, upkeep interval ms, body... (one or more).
 */
export const APPEND_SCRIPT = `
local meta = redis.call('HMGET', KEYS[2], 'e', 't')
local epoch = meta[1]
if not epoch then
  epoch = ARGV[1]
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[2], 'e', epoch, 'o', 0)
end
local count = #ARGV - 8
local first = redis.call('HINCRBY', KEYS[2], 'o', count) - count + 1
local head = ',"pos":{"room":"' .. ARGV[3] .. '","offset":'
local tail = ',"epoch":"' .. epoch .. '"}}'
local origin = ARGV[7] .. '|'
local id
for i = 1, count do
  local frame = ARGV[8 + i] .. head .. (first + i - 1) .. tail
  id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[4], '*', 'f', frame)
  redis.call('PUBLISH', ARGV[6], origin .. frame)
end
local ms = tonumber(string.match(id, '^(%d+)'))
local last = tonumber(meta[2]) or 0
local interval = tonumber(ARGV[8])
if ms - last >= interval or ms < last then
  local ttl = tonumber(ARGV[5])
  redis.call('XTRIM', KEYS[1], 'MINID', tostring(ms - ttl))
  redis.call('PEXPIRE', KEYS[1], ttl + interval)
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
  redis.call('HSET', KEYS[2], 't', ms)
end
return {first, epoch}
`;

/**
 * What came after an offset: `{ epoch, top, status, frames... }`; status 1
 * when every message after the offset is still kept (frames in order),
 * 0 when not (or when the epoch differs: the caller compares).
 *
 * Never more than `size` messages back (the stream may hold a few more,
 * see `APPEND_SCRIPT`), none older than `ttl` (by Redis's clock).
 *
 * KEYS: stream, meta. ARGV: new epoch, empty meta ttl ms, after offset, ttl ms, epoch asked, size.
 */
export const SINCE_SCRIPT = `${ENSURE_EPOCH}
local top = tonumber(redis.call('HGET', KEYS[2], 'o'))
local after = tonumber(ARGV[3])
if epoch ~= ARGV[5] or after > top then return {epoch, top, 0} end
local want = top - after
if want == 0 then return {epoch, top, 1} end
if want > tonumber(ARGV[6]) then return {epoch, top, 0} end
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
