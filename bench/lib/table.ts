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

function targetCell(row: ResultRow, raw: Measurement | undefined): string {
  const target = row.scenario.target;
  if (!target || row.kind !== 'module') return '';
  if (row.outcome.status !== 'ok') return `${target.label}: -`;
  const m = row.outcome.measurement;
  const pass = target.pass(m, raw);
  const mark = (p: boolean | undefined) => (p === undefined ? '?' : p ? 'pass' : 'MISS');
  const byCpu = target.bySecondary?.(m, raw);
  const capacity = byCpu ? `; by cpu ${byCpu.ratio.toFixed(3)}x ${mark(byCpu.pass)}` : '';
  const actual = target.actual?.(m, raw);
  return `${target.label}: ${actual ? `${actual} ` : ''}${mark(pass)}${capacity}`;
}

function secondaryNote(
  s: NonNullable<Measurement['secondary']>,
  raw: Measurement | undefined,
): string {
  const base = raw?.secondary?.value;
  const r = base === undefined || base === 0 ? '' : ` (${formatRatio(s.value / base)})`;
  return `${s.label} ${s.format(s.value)}${r}`;
}

function cells(row: ResultRow, raw: Measurement | undefined, label?: string): string[] {
  const { scenario, kind, outcome } = row;
  const head = [String(scenario.number), scenario.title, label ?? SERVER_LABELS[kind]];
  if (outcome.status !== 'ok') {
    return [...head, outcome.status, '', '', '', '', '', targetCell(row, raw), outcome.reason];
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
    label === undefined ? targetCell(row, raw) : '',
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
    const extras = row.outcome.status === 'ok' ? (row.outcome.measurement.extraRows ?? []) : [];
    return [
      cells(row, raw),
      ...extras.map((extra) =>
        cells(
          { ...row, outcome: { status: 'ok', measurement: extra.measurement } },
          raw,
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
