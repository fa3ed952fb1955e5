/**
 * A real redis-server for the tests that need one, on a free loopback port, started and stopped by
 * the test itself. Where no redis-server is installed, those tests are skipped with a notice,
 * except in CI (`CI=true`), where .ci/run installs it and its absence is a failure.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from './ports.js';

function redisServerPath(): string | undefined {
  try {
    return execFileSync('which', ['redis-server'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** `describe` when redis-server is available (always in CI), `describe.skip` with a notice otherwise. */
export function describeWithRedis(name: string, body: () => void): void {
  if (redisServerPath() || process.env.CI === 'true') {
    describe(name, body);
  } else {
    console.warn(
      `Skipping "${name}": no redis-server on PATH (apt-get install redis-server; CI installs it).`,
    );
    describe.skip(name, body);
  }
}

export interface RunningRedis {
  url: string;
  close(): Promise<void>;
  /** A Redis that was closed starts again on the same port, empty (as one without persistence). */
  restart(): Promise<void>;
  /** Freezes the server (SIGSTOP): connections stay open, nothing is answered, until `resume`. */
  pause(): void;
  resume(): void;
}

/** redis-server on `port`, resolved once it accepts connections. */
async function spawnRedis(binary: string, port: number): Promise<ChildProcess> {
  const child: ChildProcess = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) =>
      reject(new Error(`redis-server exited with ${code}: ${output.slice(-500)}`)),
    );
  });
  return child;
}

export async function startRedis(): Promise<RunningRedis> {
  const binary = redisServerPath();
  if (!binary) throw new Error('redis-server is not installed: apt-get install redis-server');
  const port = await freePort();
  let child = await spawnRedis(binary, port);
  return {
    url: `redis://127.0.0.1:${port}`,
    async close() {
      if (child.exitCode !== null) return;
      child.kill('SIGCONT'); // a paused server takes its SIGTERM only once it runs
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
    async restart() {
      if (child.exitCode === null) throw new Error('redis-server is still running');
      child = await spawnRedis(binary, port);
    },
    pause() {
      child.kill('SIGSTOP');
    },
    resume() {
      child.kill('SIGCONT');
    },
  };
}
