/**
 * `node build/bench/profile-summary.js <file.cpuprofile> [top]`: the functions
 * with the most self time in a V8 CPU profile (as written with --profile),
 * grouped by function and file, and the share of each package.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function where(url: string): string {
  const i = url.lastIndexOf('node_modules/');
  if (i !== -1) return url.slice(i + 'node_modules/'.length);
  const build = url.indexOf('/build/');
  return build !== -1 ? url.slice(build + 1) : url.replace(/^file:\/\//, '') || '(native)';
}

function packageOf(url: string): string {
  const i = url.lastIndexOf('node_modules/');
  if (i === -1)
    return url.includes('/build/src/')
      ? 'this module (src)'
      : url.includes('/build/bench/')
        ? 'bench'
        : url.startsWith('node:')
          ? 'node'
          : '(native/gc/idle)';
  const rest = url.slice(i + 'node_modules/'.length).split('/');
  return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? '?');
}

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node build/bench/profile-summary.js <file.cpuprofile> [top]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => {
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const byFunction = new Map<string, number>();
const byPackage = new Map<string, number>();
let total = 0;
for (const [id, us] of selfUs) {
  const frame = byId.get(id)?.callFrame;
  if (!frame || frame.functionName === '(idle)') continue;
  total += us;
  const key = `${frame.functionName || '(anonymous)'}  ${where(frame.url)}:${frame.lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  const pkg = packageOf(frame.url);
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
}
const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)}%`;
console.log(`${(total / 1000).toFixed(0)} ms busy (idle left out)\n\nby package:`);
for (const [pkg, us] of [...byPackage].sort((a, b) => b[1] - a[1]))
  console.log(`${pct(us)}  ${pkg}`);
console.log('\nby function (self time):');
for (const [key, us] of [...byFunction]
  .sort((a, b) => b[1] - a[1])
  .slice(0, Number(topArg ?? 25))) {
  console.log(`${pct(us)}  ${key}`);
}
