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
 * The one clock of the tests: moved by hand, never by waiting. It is handed to the gateway and the
 * emulator (`now`); where a library reads `Date` itself and cannot be handed a clock (cockatiel's
 * circuit breaker), `alsoDate` makes the same clock move `Date` too, with timers, sockets and
 * `performance.now()` left real. Undo that with `jest.useRealTimers()` after the test.
 */
export class ManualClock {
  private current: number;
  private readonly alsoDate: boolean;

  constructor(start = Date.now(), options: { alsoDate?: boolean } = {}) {
    this.current = start;
    this.alsoDate = options.alsoDate ?? false;
    if (this.alsoDate) jest.useFakeTimers({ doNotFake: [...REAL], now: start });
  }

  readonly now = (): number => this.current;

  advance(ms: number): void {
    this.current += ms;
    if (this.alsoDate) jest.setSystemTime(this.current);
  }
}
