/** A clock tests move by hand, shared by gateway and emulator, so expiry is tested without waiting. */
export class ManualClock {
  private current: number;

  constructor(start = Date.now()) {
    this.current = start;
  }

  readonly now = (): number => this.current;

  advance(ms: number): void {
    this.current += ms;
  }
}

// Everything but Date: sockets, timers and performance.now() stay real.
const REAL = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'requestIdleCallback',
  'cancelIdleCallback',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
] as const;

/**
 * Fakes Date alone, for code that reads Date.now() and cannot be handed a clock (cockatiel's
 * circuit breaker); move it with jest.setSystemTime(), undo with jest.useRealTimers().
 */
export function fakeDateOnly(now: number): void {
  jest.useFakeTimers({ doNotFake: [...REAL], now });
}
