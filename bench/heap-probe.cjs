/**
 * Bench-only instrumentation, loaded with `node --expose-gc --require bench/heap-probe.cjs`. A V8
 * GCProfiler watches every garbage collection the process runs on its own; on SIGUSR2 the probe
 * writes to BENCH_HEAP_FILE (through a rename, so the bench never reads half a file) what it saw
 * since the start: bytes allocated (the heap's growth between collections, plus what each one
 * freed), minor (scavenge) and major (mark-compact) collections, and then the live heap after two
 * full collections of its own, which it does not count.
 */
const { renameSync, writeFileSync } = require('node:fs');
const { GCProfiler } = require('node:v8');

const file = process.env.BENCH_HEAP_FILE;
if (file) {
  const seen = { allocated: 0, scavenges: 0, markCompacts: 0 };
  /** usedHeapSize after the last collection counted: what was allocated since grows from there. */
  let usedAfterLast = process.memoryUsage().heapUsed;
  let profiler = new GCProfiler();
  profiler.start();

  const collect = () => {
    for (const gc of profiler.stop()?.statistics ?? []) {
      seen.allocated += Math.max(0, gc.beforeGC.heapStatistics.usedHeapSize - usedAfterLast);
      usedAfterLast = gc.afterGC.heapStatistics.usedHeapSize;
      if (gc.gcType === 'Scavenge' || gc.gcType === 'MinorMarkSweep') seen.scavenges++;
      if (gc.gcType === 'MarkSweepCompact') seen.markCompacts++;
    }
    const now = process.memoryUsage().heapUsed;
    seen.allocated += Math.max(0, now - usedAfterLast);
    usedAfterLast = now;
  };

  process.on('SIGUSR2', () => {
    collect();
    let heapUsed = null;
    if (typeof globalThis.gc === 'function') {
      globalThis.gc();
      globalThis.gc();
      heapUsed = process.memoryUsage().heapUsed;
    }
    usedAfterLast = process.memoryUsage().heapUsed;
    profiler = new GCProfiler();
    profiler.start();
    writeFileSync(`${file}.tmp`, JSON.stringify({ heapUsed, ...seen }));
    renameSync(`${file}.tmp`, file);
  });
}

/**
 * BENCH_ALLOC_PROFILE=<file>: a sampling heap profile of every allocation, the collected ones
 * included (where the garbage comes from, which `--heap-prof` does not show), written at exit.
 * Open it in Chrome DevTools' Memory tab.
 */
const allocFile = process.env.BENCH_ALLOC_PROFILE;
if (allocFile) {
  const { Session } = require('node:inspector');
  const session = new Session();
  session.connect();
  session.post('HeapProfiler.startSampling', {
    samplingInterval: 16384,
    includeObjectsCollectedByMajorGC: true,
    // BENCH_ALLOC_PROFILE_PROMOTED=1: without what scavenges collect, i.e. what lived long enough
    // to be promoted to the old space, where only a mark-compact frees it.
    includeObjectsCollectedByMinorGC: process.env.BENCH_ALLOC_PROFILE_PROMOTED !== '1',
  });
  process.on('exit', () => {
    session.post('HeapProfiler.stopSampling', (error, result) => {
      if (!error) writeFileSync(allocFile, JSON.stringify(result.profile));
    });
  });
}
