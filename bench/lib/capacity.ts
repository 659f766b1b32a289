/**
 * What one core of the machine the bench ran on can hold, from the run's own
 * figures: server CPU per operation (echo, validated message, handshake,
 * broadcast delivery) turned into operations per second of one core, and
 * RSS per idle connection into connections per GiB. A planning figure: a
 * server saturated on one operation only, with no other work; leave headroom.
 */
import { formatRate } from './format.js';
import { SERVER_LABELS, type ServerKind } from './protocol.js';
import type { ResultRow } from './table.js';

const GIB = 1024 ** 3;

function secondaryOf(rows: ResultRow[], scenario: string, kind: ServerKind): number | undefined {
  const row = rows.find((r) => r.scenario.id === scenario && r.kind === kind);
  if (row?.outcome.status !== 'ok') return undefined;
  return row.outcome.measurement.secondary?.value;
}

function headlineOf(rows: ResultRow[], scenario: string, kind: ServerKind): number | undefined {
  const row = rows.find((r) => r.scenario.id === scenario && r.kind === kind);
  return row?.outcome.status === 'ok' ? row.outcome.measurement.value : undefined;
}

function perCore(us: number | undefined, unit: string): string {
  return us !== undefined && us > 0 ? formatRate(unit)(1e6 / us) : '-';
}

/** A Markdown table: one row per server that ran. */
export function renderCapacity(rows: ResultRow[], kinds: ServerKind[], members: number): string {
  const header = [
    'server',
    'idle authenticated conns per GiB',
    'echo per core',
    'validated msg per core',
    'handshakes per core',
    'broadcast deliveries per core',
  ];
  const body = kinds.map((kind) => {
    const rss = headlineOf(rows, 'memory', kind);
    const broadcastMs = secondaryOf(rows, 'broadcast', kind);
    return [
      SERVER_LABELS[kind],
      rss !== undefined && rss > 0 ? Math.floor(GIB / rss).toLocaleString('en-US') : '-',
      perCore(secondaryOf(rows, 'echo', kind), 'msg/s'),
      perCore(secondaryOf(rows, 'pipeline', kind), 'msg/s'),
      perCore(secondaryOf(rows, 'handshake', kind), 'conn/s'),
      broadcastMs !== undefined && broadcastMs > 0
        ? formatRate('msg/s')((members * 1000) / broadcastMs)
        : '-',
    ];
  });
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...body.map(line)].join('\n');
}
