/**
 * What the bench reads of a server process from Linux's /proc: CPU time (utime + stime of
 * /proc/<pid>/stat, in clock ticks), resident memory (VmRSS) and its peak (VmHWM) from
 * /proc/<pid>/status, and the live heap the heap probe reports after a major GC.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { kill } from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';

const CLOCK_TICKS_PER_SECOND =
  Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU time the process has used so far, user and system, in milliseconds (10 ms resolution at 100 Hz). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; fields after its closing parenthesis start at state (3).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime))
    throw new Error(`cpuMs: /proc/${pid}/stat has no utime/stime: ${JSON.stringify(stat)}`);
  return ((utime + stime) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** Resident memory now and its peak over the process's life, in MB. */
export function memoryMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
    if (!match) throw new Error(`memoryMb: /proc/${pid}/status has no ${field}`);
    return Number(match[1]) / 1024;
  };
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** What the heap probe saw of a process since it started, and its live heap now. */
export interface HeapProbe {
  /** Live heap after two full GCs, MB; null where the process runs without --expose-gc. */
  liveHeapMb: number | null;
  /** Bytes allocated on the JS heap, and the collections V8 ran on its own. */
  allocated: number;
  scavenges: number;
  markCompacts: number;
}

/**
 * Asks a process started with bench/heap-probe.cjs and BENCH_HEAP_FILE=file: SIGUSR2 asks, the
 * probe answers in the file.
 */
export async function readProbe(pid: number, file: string): Promise<HeapProbe> {
  rmSync(file, { force: true });
  kill(pid, 'SIGUSR2');
  for (let waited = 0; !existsSync(file); waited += 20) {
    if (waited > 10_000) throw new Error(`readProbe: process ${pid} did not write ${file} within 10 s`);
    await sleep(20);
  }
  const seen = JSON.parse(readFileSync(file, 'utf8')) as Omit<HeapProbe, 'liveHeapMb'> & {
    heapUsed: number | null;
  };
  const { heapUsed, ...counts } = seen;
  return { liveHeapMb: heapUsed === null ? null : heapUsed / 2 ** 20, ...counts };
}

/** The live heap after two full GCs, in MB (the process needs --expose-gc). */
export async function liveHeapMb(pid: number, file: string): Promise<number> {
  const { liveHeapMb } = await readProbe(pid, file);
  if (liveHeapMb === null) throw new Error(`liveHeapMb: process ${pid} runs without --expose-gc`);
  return liveHeapMb;
}
