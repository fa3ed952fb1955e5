/**
 * Starts the built emulator and gateway as processes of their own, as they run in production, with
 * their logs going to files (a benchmark that parsed them would steal the CPU it measures).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { freePort } from '../test/helpers/ports.js';

export interface Started {
  url: string;
  child: ChildProcess;
  /** Resident set size now, in MB. */
  rssMb(): number;
  stop(): Promise<void>;
}

const ROOT = join(__dirname, '..');
export const OUT = join(__dirname, 'out');

export function build(): void {
  execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' });
}

async function start(
  name: string,
  script: string,
  env: Record<string, string>,
  port: number,
): Promise<Started> {
  mkdirSync(OUT, { recursive: true });
  const log = openSync(join(OUT, `${name}.log`), 'w');
  const child = spawn(process.execPath, [join(ROOT, 'dist', script)], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS ?? '',
      ...env,
    },
    stdio: ['ignore', log, log],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited with ${child.exitCode}; see bench/out/${name}.log`);
    try {
      await (await request(`${url}/health`)).body.dump();
      break;
    } catch {
      if (attempt > 200) throw new Error(`${name} did not start`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    url,
    child,
    rssMb: () =>
      Number(execFileSync('ps', ['-o', 'rss=', '-p', String(child.pid)], { encoding: 'utf8' }).trim()) / 1024,
    async stop() {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

export async function startEmulator(rowsPerScope: number): Promise<Started> {
  const port = await freePort();
  return start(
    'emulator',
    'emulator/main.js',
    { EMULATOR_PORT: String(port), EMULATOR_ROWS_PER_SCOPE: String(rowsPerScope), LOG_LEVEL: 'warn' },
    port,
  );
}

export async function startGateway(name: string, env: Record<string, string>): Promise<Started> {
  const port = await freePort();
  return start(name, 'server.js', { PORT: String(port), LOG_LEVEL: 'info', ...env }, port);
}

/** How many requests the emulator has answered so far (its admin endpoint). */
export async function emulatorRequests(emulatorUrl: string): Promise<number> {
  const response = await request(`${emulatorUrl}/__emulator/stats`);
  return ((await response.body.json()) as { requests: number }).requests;
}
