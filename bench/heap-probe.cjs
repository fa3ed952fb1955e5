/**
 * Bench-only instrumentation, loaded with `node --expose-gc --require bench/heap-probe.cjs`: on
 * SIGUSR2 it runs two full garbage collections and writes the live heap (`heapUsed`, bytes) to
 * BENCH_HEAP_FILE, through a rename so the bench never reads half a file.
 */
const { renameSync, writeFileSync } = require('node:fs');

const file = process.env.BENCH_HEAP_FILE;
if (file && typeof globalThis.gc === 'function') {
  const gc = globalThis.gc;
  process.on('SIGUSR2', () => {
    gc();
    gc();
    writeFileSync(`${file}.tmp`, String(process.memoryUsage().heapUsed));
    renameSync(`${file}.tmp`, file);
  });
}
