/**
 * What the per-message log context's `AsyncLocalStorage` costs, per message,
 * on the Node running it: run it on Node 22 and 24 side by side,
 *
 *   tsc -p tsconfig.bench.json
 *   for v in 22 24; do taskset -c 1 "$(scripts/node-runtime.sh $v)/node" build/bench/micro/async-local-storage.js; done
 *
 * Each case handles MICRO_MESSAGES messages in batches of BATCH (a TCP read's
 * worth): a synchronous part, then a promise continuation as a handler that
 * settles in a microtask has (the validation pipe, an async handler), and the
 * batch's microtasks are drained before the next. Cases:
 *
 * - `none`: no AsyncLocalStorage in the process's hot path;
 * - `run per message`: `storage.run(context, handle)`, what the module does;
 * - `run, 3 more stores`: the same with three more stores holding a value
 *   (nestjs-pino's, OpenTelemetry's context manager, the app's own): Node 24
 *   copies the map of all stores per `run`;
 * - `enterWith per message`: `storage.enterWith(context)` then `handle()`;
 * - `run per batch`: one `run` per read, the messages of the batch share it
 *   (what "one run per read" would save: their contexts could not differ).
 *
 * Rounds alternate the cases; the figure is the median of the rounds, in ns
 * per message including the microtask of each message.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';

const MESSAGES = Number(process.env.MICRO_MESSAGES ?? 400_000);
const ROUNDS = Number(process.env.MICRO_ROUNDS ?? 7);
const BATCH = 16;

interface Context {
  readonly id: number;
}

const storage = new AsyncLocalStorage<Context>();
let seen = 0;

/** A handler's work: a synchronous part and a continuation in a microtask that reads the store. */
function handle(): void {
  void Promise.resolve().then(() => {
    if (storage.getStore() !== undefined) seen += 1;
  });
}

function none(): void {
  for (let i = 0; i < BATCH; i += 1) handle();
}

function runPerMessage(): void {
  for (let i = 0; i < BATCH; i += 1) storage.run({ id: i }, handle);
}

function enterWithPerMessage(): void {
  for (let i = 0; i < BATCH; i += 1) {
    storage.enterWith({ id: i });
    handle();
  }
}

function runPerBatch(): void {
  storage.run({ id: 0 }, none);
}

type Case = readonly [name: string, batch: () => void, setup?: () => void];

const others = [0, 1, 2].map(() => new AsyncLocalStorage<object>());

/** The same `run`, with three more stores entered around it (once, like an app's global ones). */
function withOtherStores(batch: () => void): () => void {
  return () =>
    (others[0] as AsyncLocalStorage<object>).run({}, () =>
      (others[1] as AsyncLocalStorage<object>).run({}, () =>
        (others[2] as AsyncLocalStorage<object>).run({}, batch),
      ),
    );
}

const CASES: Case[] = [
  ['none', none],
  ['run per message', runPerMessage],
  ['run, 3 more stores', withOtherStores(runPerMessage)],
  ['enterWith per message', enterWithPerMessage],
  ['run per batch', runPerBatch],
];

/** ns per message over `messages` messages, microtasks included. */
async function nsPerMessage(batch: () => void, messages: number): Promise<number> {
  const batches = Math.ceil(messages / BATCH);
  const started = performance.now();
  for (let b = 0; b < batches; b += 1) {
    batch();
    // Drains the batch's continuations, as the event loop does after a read.
    await undefined;
  }
  return ((performance.now() - started) * 1e6) / (batches * BATCH);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function main(): Promise<void> {
  const figures = new Map<string, number[]>(CASES.map(([name]) => [name, []]));
  for (const [, batch] of CASES) await nsPerMessage(batch, MESSAGES / 4);
  for (let round = 0; round < ROUNDS; round += 1) {
    for (let i = 0; i < CASES.length; i += 1) {
      const [name, batch] = CASES[(round + i) % CASES.length] as Case;
      figures.get(name)?.push(await nsPerMessage(batch, MESSAGES));
    }
  }
  const base = median(figures.get('none') ?? []);
  process.stdout.write(`node ${process.version}, ${MESSAGES} messages x ${ROUNDS} rounds\n`);
  for (const [name, values] of figures) {
    const m = median(values);
    const extra = name === 'none' ? '' : ` (+${(m - base).toFixed(0)} ns)`;
    process.stdout.write(
      `${name.padEnd(24)} ${m.toFixed(0).padStart(6)} ns/message${extra}; min ${Math.min(...values).toFixed(0)}, max ${Math.max(...values).toFixed(0)}\n`,
    );
  }
  process.stderr.write(`(${seen} continuations saw a store)\n`);
}

await main();
