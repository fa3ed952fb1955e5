/**
 * The functions a V8 CPU profile (`node --cpu-prof`) spent most self time in, summed by
 * file:function, and the same time by npm package. `tsx bench/profile-top.ts <file.cpuprofile>
 * [count]` prints the top 15.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string } }[];
  samples: number[];
  /** Microseconds since the previous sample. */
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  ms: number;
  /** Share of the busy (not idle) time, 0..1. */
  share: number;
}

export interface ProfileTop {
  /** Profiled time, and the part of it the process was not idle, in ms. */
  totalMs: number;
  busyMs: number;
  top: SelfTime[];
  /** The same self time summed by npm package, Node module, the gateway's code, or native code. */
  packages: SelfTime[];
}

const ROOT = `${join(__dirname, '..')}/`;
const IDLE = '(idle)';

/** `node_modules/graphql/execution/execute.js` → `graphql/execution/execute.js`; the project's own files relative. */
function shortFile(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) return path.slice(modules + '/node_modules/'.length);
  return path.startsWith(ROOT) ? path.slice(ROOT.length) : path;
}

/** Self time by file:function, idle time left out (a server waits for the next request). */
export function topSelfTime(file: string, count = 15): ProfileTop {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const frames = new Map<number, { name: string; where: string }>();
  for (const { id, callFrame } of profile.nodes) {
    const fn = callFrame.functionName || '(anonymous)';
    const file = shortFile(callFrame.url);
    frames.set(id, { name: file ? `${file}:${fn}` : fn, where: packageOf(file, fn) });
  }
  const micros = new Map<string, number>();
  const packages = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const frame = frames.get(id) ?? { name: `(node ${id})`, where: `(node ${id})` };
    const us = profile.timeDeltas[i] ?? 0;
    micros.set(frame.name, (micros.get(frame.name) ?? 0) + us);
    packages.set(frame.where, (packages.get(frame.where) ?? 0) + us);
  });
  const total = [...micros.values()].reduce((sum, us) => sum + us, 0);
  const busy = total - (micros.get(IDLE) ?? 0);
  const rank = (times: Map<string, number>, n: number) =>
    [...times]
      .filter(([name]) => name !== IDLE)
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, ms: us / 1000, share: busy > 0 ? us / busy : 0 }));
  return {
    totalMs: total / 1000,
    busyMs: busy / 1000,
    top: rank(micros, count),
    packages: rank(packages, count),
  };
}

/**
 * Where a function lives: its npm package (`graphql-yoga`, `@whatwg-node/server`), the gateway's
 * own code, the Node module (`node:_http_server`), or native code (V8 builtins, bindings) when
 * the frame has no file.
 */
function packageOf(file: string, fn: string): string {
  if (!file) return fn.startsWith('(') ? fn : 'native (V8 builtins, Node bindings)';
  if (file.startsWith('dist/')) return 'the gateway (dist/)';
  if (file.startsWith('node:')) return file;
  const [first, second] = file.split('/');
  return first?.startsWith('@') ? `${first}/${second}` : (first ?? file);
}

/** The top list as a Markdown table, after a line saying how busy the process was. */
export function selfTimeTable(file: string, count = 15): string {
  const { totalMs, busyMs, top, packages } = topSelfTime(file, count);
  const rows = (list: SelfTime[]) =>
    list.map((row) => `| ${row.name} | ${row.ms.toFixed(0)} | ${(row.share * 100).toFixed(1)} % |`);
  return [
    `Busy ${(busyMs / 1000).toFixed(1)} s of ${(totalMs / 1000).toFixed(1)} s profiled; shares are of the busy time.`,
    '',
    '| file:function | self ms | share |',
    '| --- | ---: | ---: |',
    ...rows(top),
    '',
    '| by package | self ms | share |',
    '| --- | ---: | ---: |',
    ...rows(packages),
  ].join('\n');
}

if (require.main === module) {
  const [file, count] = process.argv.slice(2);
  if (!file) {
    console.error('usage: tsx bench/profile-top.ts <file.cpuprofile> [count]');
    process.exit(2);
  }
  console.log(selfTimeTable(file, Number(count ?? 15)));
}
