/**
 * `node build/bench/heap-diff.js <before.heapsnapshot> <after.heapsnapshot> [n] [top]`:
 * what a server's heap gained between two snapshots, by constructor (object
 * count and self size), per connection when `n` (connections) is given.
 */
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

function byConstructor(file: string): Map<string, { count: number; size: number }> {
  const s = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = s.snapshot.meta.node_fields;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const types = s.snapshot.meta.node_types[0];
  const out = new Map<string, { count: number; size: number }>();
  for (let i = 0; i < s.nodes.length; i += width) {
    const type = types[s.nodes[i + typeAt] as number] ?? '?';
    const name = s.strings[s.nodes[i + nameAt] as number] ?? '?';
    const key =
      type === 'object' || type === 'closure'
        ? `${name} (${type})`
        : `(${type})${type === 'native' ? ` ${name}` : ''}`;
    const entry = out.get(key) ?? { count: 0, size: 0 };
    entry.count += 1;
    entry.size += s.nodes[i + sizeAt] as number;
    out.set(key, entry);
  }
  return out;
}

const [beforeFile, afterFile, nArg, topArg] = process.argv.slice(2);
if (!beforeFile || !afterFile) {
  console.error('usage: node build/bench/heap-diff.js <before> <after> [connections] [top]');
  process.exit(2);
}
const before = byConstructor(beforeFile);
const after = byConstructor(afterFile);
const n = Number(nArg ?? 1);
const rows = [...after].map(([key, a]) => {
  const b = before.get(key) ?? { count: 0, size: 0 };
  return { key, count: (a.count - b.count) / n, size: (a.size - b.size) / n };
});
const total = rows.reduce((sum, r) => sum + r.size, 0);
console.log(`heap gained ${Math.round(total)} B${n > 1 ? ' per connection' : ''}\n`);
console.log('   bytes   objects  constructor');
for (const r of rows.sort((x, y) => y.size - x.size).slice(0, Number(topArg ?? 30))) {
  console.log(`${r.size.toFixed(0).padStart(8)}  ${r.count.toFixed(2).padStart(8)}  ${r.key}`);
}
