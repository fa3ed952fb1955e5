/**
 * The gateway as operators run it: `src/server.ts` in a process of its own, with the heap limit
 * `npm start` gives it (read from package.json, so the two never disagree), its log read line by
 * line. Tests talk to it over HTTP as a client would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { auditLog } from './log-capture.js';

const ROOT = join(__dirname, '..', '..');

/** The heap limit of `npm start`, in MB. */
function startHeapLimitMb(): number {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const flag = /--max-old-space-size=(\d+)/.exec(pkg.scripts.start);
  if (!flag) throw new Error(`npm start sets no --max-old-space-size: ${pkg.scripts.start}`);
  return Number(flag[1]);
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  lines: Record<string, unknown>[];
  /** Resolves with the first log line (already logged or yet to come) whose message starts so. */
  logged(prefix: string): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
  /** Whether the process is still running. */
  readonly alive: boolean;
  /** SIGTERM, and the exit awaited. */
  stop(): Promise<void>;
}

/** Starts the server process (heap limit as `npm start`'s unless given) and resolves once ready. */
export async function startServer(
  env: Record<string, string>,
  options: { heapMb?: number } = {},
): Promise<ServerProcess> {
  const heap = `--max-old-space-size=${options.heapMb ?? startHeapLimitMb()}`;
  const child = spawn(process.execPath, [heap, '--import', 'tsx', join(ROOT, 'src', 'server.ts')], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  let running = true;
  void exited.then(() => {
    running = false;
  });
  const lines: Record<string, unknown>[] = [];
  const stdout = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  stdout.on('line', (line) => {
    auditLog(line);
    lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  const logged = (prefix: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const match = () => lines.find((l) => String(l.msg).startsWith(prefix));
      const seen = match();
      if (seen) return resolve(seen);
      const onLine = () => {
        const found = match();
        if (found) {
          stdout.off('line', onLine);
          resolve(found);
        }
      };
      stdout.on('line', onLine);
      void exited.then((code) =>
        reject(new Error(`the server exited with ${code} before logging "${prefix}"`)),
      );
    });
  const ready = await logged('GraphQL gateway ready');
  return {
    child,
    url: `http://127.0.0.1:${ready.port}`,
    lines,
    logged,
    exited,
    get alive() {
      return running;
    },
    async stop() {
      if (!running) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
