/**
 * The one comparison table: a Markdown table (readable in a terminal, pasted
 * as is into BENCHMARKS.md).
 */
import { formatMs, formatRatio } from './format.js';
import { SERVER_LABELS, type ServerKind } from './protocol.js';
import { type Measurement, ratio, type Scenario } from './scenario.js';

export type Outcome =
  | { status: 'ok'; measurement: Measurement }
  | { status: 'n/a'; reason: string }
  | { status: 'not measured'; reason: string }
  | { status: 'error'; reason: string };

export interface ResultRow {
  scenario: Scenario;
  kind: ServerKind;
  outcome: Outcome;
}

const HEADER = [
  '#',
  'scenario',
  'server',
  'result',
  'vs raw',
  'p50',
  'vs raw',
  'p99',
  'vs raw',
  'target',
  'notes',
];

function latencyRatio(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) {
    return undefined;
  }
  return a / b;
}

const mark = (p: boolean | undefined) => (p === undefined ? '?' : p ? 'pass' : 'MISS');

/** The module against stock Nest and Socket.IO: "ahead of nest 1.21x pass, ...". */
function aheadCell(row: ResultRow, peers: ResultRow[]): string {
  if (row.outcome.status !== 'ok') return '';
  const { scenario } = row;
  const by = scenario.ahead ?? {
    of: (m: Measurement) => m.value,
    higherIsBetter: scenario.metric.higherIsBetter,
  };
  const mine = by.of(row.outcome.measurement);
  const parts: string[] = [];
  for (const peer of peers) {
    if (peer.outcome.status !== 'ok' || mine === undefined) continue;
    const theirs = by.of(peer.outcome.measurement);
    if (theirs === undefined || !Number.isFinite(theirs) || !Number.isFinite(mine)) continue;
    // How many times better the module is (> 1: ahead).
    const better = by.higherIsBetter ? mine / theirs : theirs / mine;
    parts.push(
      `${peer.kind === 'nest' ? 'Nest' : 'Socket.IO'} ${better.toFixed(2)}x ${mark(better > 1)}`,
    );
  }
  return parts.length > 0 ? `; ahead of ${parts.join(', ')}` : '';
}

function targetCell(row: ResultRow, raw: Measurement | undefined, peers: ResultRow[]): string {
  const target = row.scenario.target;
  if (!target || row.kind !== 'module') return '';
  if (row.outcome.status !== 'ok') return `${target.label}: -`;
  const m = row.outcome.measurement;
  const pass = target.pass(m, raw);
  const byCpu = target.bySecondary?.(m, raw);
  const capacity = byCpu ? `; by cpu ${byCpu.ratio.toFixed(3)}x ${mark(byCpu.pass)}` : '';
  const actual = target.actual?.(m, raw);
  return `${target.label}: ${actual ? `${actual} ` : ''}${mark(pass)}${capacity}${aheadCell(row, peers)}`;
}

function secondaryNote(
  s: NonNullable<Measurement['secondary']>,
  raw: Measurement | undefined,
): string {
  const base = raw?.secondary?.value;
  const r = base === undefined || base === 0 ? '' : ` (${formatRatio(s.value / base)})`;
  return `${s.label} ${s.format(s.value)}${r}`;
}

function cells(
  row: ResultRow,
  raw: Measurement | undefined,
  peers: ResultRow[],
  label?: string,
): string[] {
  const { scenario, kind, outcome } = row;
  const head = [String(scenario.number), scenario.title, label ?? SERVER_LABELS[kind]];
  if (outcome.status !== 'ok') {
    return [
      ...head,
      outcome.status,
      '',
      '',
      '',
      '',
      '',
      targetCell(row, raw, peers),
      outcome.reason,
    ];
  }
  const m = outcome.measurement;
  const isRaw = kind === 'raw';
  const secondary = m.secondary ? [secondaryNote(m.secondary, isRaw ? undefined : raw)] : [];
  const notes = [...m.warnings.map((w) => `!! ${w}`), ...secondary, ...m.notes].join('; ');
  return [
    ...head,
    scenario.metric.format(m.value),
    isRaw || scenario.noRatio ? '' : formatRatio(ratio(m, raw)),
    formatMs(m.p50Ms),
    isRaw ? '' : formatRatio(latencyRatio(m.p50Ms, raw?.p50Ms)),
    formatMs(m.p99Ms),
    isRaw ? '' : formatRatio(latencyRatio(m.p99Ms, raw?.p99Ms)),
    label === undefined ? targetCell(row, raw, peers) : '',
    notes,
  ];
}

function escapePipes(cell: string): string {
  return cell.replaceAll('|', '\\|');
}

export function renderTable(rows: ResultRow[]): string {
  const body = rows.flatMap((row) => {
    const rawRow = rows.find((r) => r.scenario === row.scenario && r.kind === 'raw');
    const raw = rawRow?.outcome.status === 'ok' ? rawRow.outcome.measurement : undefined;
    const peers = rows.filter(
      (r) => r.scenario === row.scenario && (r.kind === 'nest' || r.kind === 'socketio'),
    );
    const extras = row.outcome.status === 'ok' ? (row.outcome.measurement.extraRows ?? []) : [];
    return [
      cells(row, raw, peers),
      ...extras.map((extra) =>
        cells(
          { ...row, outcome: { status: 'ok', measurement: extra.measurement } },
          raw,
          peers,
          extra.label,
        ),
      ),
    ].map((r) => r.map(escapePipes));
  });
  const all = [HEADER, ...body];
  const widths = HEADER.map((_, i) => Math.max(3, ...all.map((r) => (r[i] ?? '').length)));
  // Numbers right-aligned, text left-aligned.
  const right = new Set([0, 3, 4, 5, 6, 7, 8]);
  const line = (r: string[]) =>
    `| ${r
      .map((c, i) => {
        const w = widths[i] ?? 0;
        return right.has(i) ? c.padStart(w) : c.padEnd(w);
      })
      .join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (right.has(i) ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(HEADER), rule, ...body.map(line)].join('\n');
}
