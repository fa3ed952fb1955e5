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
