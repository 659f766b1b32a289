/**
 * What full garbage collections taken while a process is idle do to object
 * literals with computed keys, and to `process.nextTick`, whose tick object
 * is one. Run it on Node 22 and 24:
 *
 *   tsc -p tsconfig.bench.json
 *   for v in 22 24; do taskset -c 1 "$(scripts/node-runtime.sh $v)/node" --expose-gc build/bench/micro/literals-after-gc.js; done
 *
 * Each case is timed fresh, then again after each of GCS full collections
 * taken while none of its objects is alive (one object is made after each,
 * as the next call would). A literal whose keys are all written in it is
 * built from a boilerplate that holds its final map; one with computed keys
 * (`{ [a]: 1, [b]: 2, ... }`) reaches its map through a chain of transitions
 * from an empty one, which V8 holds weakly. A collection with no such object
 * alive frees that chain, the next object makes a new one, and after a few
 * rounds the literal's property-definition sites go megamorphic and stay so.
 *
 * Cases: Node's own `process.nextTick` (its tick object has three symbol
 * keys); a literal of that shape; one kept alive throughout (the chain then
 * never dies); ws 8.23's `Sender` frame options (a symbol key first, then
 * seven names); span attributes keyed by constants (`[SpanAttribute.x]`);
 * and the controls: a literal of one computed key, the same attributes with
 * their keys written out, and a class with symbol-keyed fields.
 */

const ITERATIONS = Number(process.env.MICRO_ITERATIONS ?? 2_000_000);
const GCS = Number(process.env.MICRO_GCS ?? 4);

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  process.stderr.write('run with --expose-gc\n');
  process.exit(2);
}
const collect: () => void = gc;

const asyncId = Symbol('async_id_symbol');
const triggerId = Symbol('trigger_async_id_symbol');
const contextFrame = Symbol('kAsyncContextFrame');
const byteLength = Symbol('kByteLength');
const Attribute = {
  system: 'messaging.system',
  operation: 'messaging.operation.type',
  destination: 'messaging.destination.name',
  client: 'messaging.client.id',
  path: 'url.path',
} as const;

/** Symbol-keyed fields written in a constructor: the class's initial map roots the chain. */
class TickLike {
  constructor(
    readonly callback: () => void,
    readonly args: undefined,
  ) {
    const self = this as unknown as Record<symbol, unknown>;
    self[asyncId] = 1;
    self[triggerId] = 2;
    self[contextFrame] = undefined;
  }
}

const noop = (): void => {};
const tickLiteral = (callback: () => void): object => ({
  [asyncId]: 1,
  [triggerId]: 2,
  [contextFrame]: undefined,
  callback,
  args: undefined,
});

/** The same shape with keys of its own, and one object of it alive for the whole run. */
const keptKeys = [Symbol('a'), Symbol('b'), Symbol('c')] as const;
const keptLiteral = (callback: () => void): object => ({
  [keptKeys[0]]: 1,
  [keptKeys[1]]: 2,
  [keptKeys[2]]: undefined,
  callback,
  args: undefined,
});
/** Module scope keeps it alive for the whole run, and with it its maps. */
export const keptAlive = keptLiteral(noop);

/** One case: `make` builds one object (or does one unit of work); ns per call is timed. */
type Case = readonly [name: string, make: (callback: () => void) => unknown];

const CASES: Case[] = [
  ['literal like the tick object', tickLiteral],
  ['the same, one kept alive', keptLiteral],
  [
    "ws 8.23's frame options",
    () => ({
      [byteLength]: 125,
      fin: true,
      generateMask: undefined,
      mask: true,
      maskBuffer: null,
      opcode: 1,
      readOnly: false,
      rsv1: false,
    }),
  ],
  [
    'attributes, constant keys',
    () => ({
      [Attribute.system]: 'websocket',
      [Attribute.operation]: 'process',
      [Attribute.destination]: 'echo',
      [Attribute.client]: 'c1',
      [Attribute.path]: '/ws',
    }),
  ],
  ['one computed key', () => ({ [Attribute.path]: '/ws' })],
  [
    'attributes, keys written out',
    () => ({
      'messaging.system': 'websocket',
      'messaging.operation.type': 'process',
      'messaging.destination.name': 'echo',
      'messaging.client.id': 'c1',
      'url.path': '/ws',
    }),
  ],
  ['class, symbol-keyed fields', (callback) => new TickLike(callback, undefined)],
];

/** Where each made object goes, so that the making is not optimized away. */
export let sink: unknown;

function nsPerCall(make: (callback: () => void) => unknown, iterations: number): number {
  for (let i = 0; i < iterations / 20; i += 1) sink = make(noop);
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i += 1) sink = make(noop);
  return Number(process.hrtime.bigint() - started) / iterations;
}

/** `process.nextTick` in batches of 100 drained by `setImmediate`, as I/O callbacks drain them. */
function nsPerTick(ticks: number): Promise<number> {
  return new Promise((resolve) => {
    let left = ticks;
    let scheduled = 0;
    let started = 0n;
    const done = (): void => {
      left -= 1;
      if (left === 0) resolve(Number(process.hrtime.bigint() - started) / ticks);
    };
    const batch = (): void => {
      for (let k = 0; k < 100 && scheduled < ticks; k += 1, scheduled += 1) process.nextTick(done);
      if (scheduled < ticks) setImmediate(batch);
    };
    started = process.hrtime.bigint();
    batch();
  });
}

/** Full collections with none of the case's objects alive, one object made after each. */
function collectWithNoneAlive(make: () => unknown): void {
  sink = undefined;
  collect();
  sink = make();
}

function row(name: string, figures: number[]): string {
  const [fresh, ...after] = figures.map((ns) => ns.toFixed(0));
  return `${name.padEnd(30)} fresh ${String(fresh).padStart(4)} ns; after each GC ${after.join(', ')}\n`;
}

async function main(): Promise<void> {
  process.stdout.write(`node ${process.version}, ${ITERATIONS} calls per figure, ${GCS} GCs\n`);
  await nsPerTick(ITERATIONS / 10);
  const ticks = [await nsPerTick(ITERATIONS)];
  for (let g = 0; g < GCS; g += 1) {
    collectWithNoneAlive(() => new Promise((resolve) => process.nextTick(resolve)));
    await new Promise((resolve) => setImmediate(resolve));
    ticks.push(await nsPerTick(ITERATIONS));
  }
  process.stdout.write(row('process.nextTick', ticks));
  for (const [name, make] of CASES) {
    const figures = [nsPerCall(make, ITERATIONS)];
    for (let g = 0; g < GCS; g += 1) {
      collectWithNoneAlive(() => make(noop));
      figures.push(nsPerCall(make, ITERATIONS));
    }
    process.stdout.write(row(name, figures));
  }
}

await main();
