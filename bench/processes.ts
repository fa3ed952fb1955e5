/**
 * Starts the bench's server processes: the emulator, the two reference servers and the gateways,
 * each a process of its own under BENCH_NODE (default: this Node), with its log going to a file in
 * bench/out (a bench that parsed logs would steal the CPU it measures).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { freePort } from '../test/helpers/ports.js';

export interface ServerProcess {
  name: string;
  url: string;
  pid: number;
  /** Where the heap probe answers (gateways only). */
  heapFile?: string;
  stop(): Promise<void>;
}

const ROOT = join(__dirname, '..');
const OUT = join(__dirname, 'out');
export const PROFILES = join(OUT, 'profiles');
const BUILT = join(OUT, 'build', 'bench');
/** The Node binary every server process runs under. */
export const NODE = process.env.BENCH_NODE ?? process.execPath;

/** Builds the gateway into dist/, and the bench's emulator and reference servers into bench/out/build. */
export function build(): void {
  execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', join(__dirname, 'tsconfig.build.json')], { stdio: 'inherit' });
}

export function nodeVersion(): string {
  return execFileSync(NODE, ['--version'], { encoding: 'utf8' }).trim();
}

async function start(name: string, args: string[], env: Record<string, string>): Promise<ServerProcess> {
  mkdirSync(OUT, { recursive: true });
  const port = await freePort();
  const log = openSync(join(OUT, `${name}.log`), 'w');
  const child: ChildProcess = spawn(NODE, args, {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', PORT: String(port), ...env },
    stdio: ['ignore', log, log],
  });
  const url = `http://127.0.0.1:${port}`;
  // Any HTTP answer means it listens; the emulator and Apollo's standalone server have no /health.
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited with ${child.exitCode}; see bench/out/${name}.log`);
    try {
      await (await request(`${url}/health`)).body.dump();
      break;
    } catch {
      if (attempt > 300) throw new Error(`${name} did not answer on ${url} within 15 s`);
      await sleep(50);
    }
  }
  return {
    name,
    url,
    pid: child.pid ?? -1,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

export function startEmulator(rowsPerScope: number): Promise<ServerProcess> {
  return start('emulator', [join(BUILT, 'emulator.js')], { EMULATOR_ROWS_PER_SCOPE: String(rowsPerScope) });
}

/** A reference server, with the heap probe loaded so its allocation and collections are counted as the gateway's. */
export async function startReference(
  name: 'apollo-datasource-rest' | 'yoga-undici',
  env: Record<string, string>,
): Promise<ServerProcess> {
  const heapFile = join(OUT, `${name}.heap`);
  const server = await start(
    name,
    ['--require', join(__dirname, 'heap-probe.cjs'), join(BUILT, 'references', `${name}.js`)],
    { ...env, BENCH_HEAP_FILE: heapFile },
  );
  return { ...server, heapFile };
}

/** The Node flags `npm start` (and the container) run the gateway with, e.g. its heap limit. */
function startFlags(): string[] {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  return scripts.start.split(/\s+/).filter((word) => word.startsWith('--max-'));
}

/**
 * A gateway from dist/, run with `npm start`'s Node flags and the heap probe loaded; BENCH_PROFILE=1 and `profile` also write a CPU
 * profile to bench/out/profiles/<name>.cpuprofile when it stops.
 */
export async function startGateway(
  name: string,
  env: Record<string, string>,
  options: { profile?: boolean } = {},
): Promise<ServerProcess> {
  const heapFile = join(OUT, `${name}.heap`);
  const profiling =
    options.profile && process.env.BENCH_PROFILE === '1'
      ? ['--cpu-prof', `--cpu-prof-dir=${PROFILES}`, `--cpu-prof-name=${name}.cpuprofile`]
      : [];
  // BENCH_GATEWAY_FLAGS: more Node flags for the gateways, e.g. --trace-gc (its lines go to the log).
  const extra = (process.env.BENCH_GATEWAY_FLAGS ?? '').split(/\s+/).filter(Boolean);
  const args = [
    ...startFlags(),
    '--expose-gc',
    '--require',
    join(__dirname, 'heap-probe.cjs'),
    ...profiling,
    ...extra,
  ];
  const allocations: Record<string, string> =
    options.profile && process.env.BENCH_ALLOC_PROFILE === '1'
      ? {
          BENCH_ALLOC_PROFILE: join(PROFILES, `${name}.heapprofile`),
          BENCH_ALLOC_PROFILE_PROMOTED: process.env.BENCH_ALLOC_PROFILE_PROMOTED ?? '',
        }
      : {};
  const gateway = await start(name, [...args, join(ROOT, 'dist', 'server.js')], {
    LOG_LEVEL: 'info',
    BENCH_HEAP_FILE: heapFile,
    ...allocations,
    ...env,
  });
  return { ...gateway, heapFile };
}

/** How many HSS calls the emulator has answered so far (its admin endpoint). */
export async function emulatorRequests(emulatorUrl: string): Promise<number> {
  const response = await request(`${emulatorUrl}/__emulator/stats`);
  return ((await response.body.json()) as { requests: number }).requests;
}
