/**
 * HSS said "too many" (429 `APIGW.0308`): its quota behind this address or these credentials is
 * spent, whoever spent it (another tool behind the same address, another replica, a budget that was
 * too generous). Every further call of that API until the quota frees would be refused too and
 * would count against the next minute, so none is made, by any replica, for as long as HSS asked
 * (Retry-After) or, as HSS documents none, a learned backoff: 10 s after a first refusal, doubled
 * after each refusal that follows a pause, up to HSS's window of 60 s; an answer resets it. A pause
 * is told over the fleet channel; what is heard is bounded by the window, whoever told it.
 */
const FIRST_PAUSE_MS = 10_000;
/** HSS's quota is per minute: after 60 s, the calls that filled it have left its window. */
const LONGEST_PAUSE_MS = 60_000;

export interface UpstreamPauseOptions {
  now: () => number;
  /** Tells the other replicas (the fleet channel); undefined: a gateway alone. */
  tell?: (api: string, until: number) => void;
  /** Hears of each refusal that paused calls here (metrics). */
  onPaused?: (api: string) => void;
}

export class UpstreamPause {
  private readonly until = new Map<string, number>();
  /** The next learned pause per API: grows while refusals follow pauses, reset by an answer. */
  private readonly next = new Map<string, number>();

  constructor(private readonly options: UpstreamPauseOptions) {}

  /** HSS refused a call of `api` for its quota: calls of it pause; answers when they may resume. */
  throttled(api: string, retryAfterSeconds?: number): number {
    const learned = this.next.get(api) ?? FIRST_PAUSE_MS;
    this.next.set(api, Math.min(LONGEST_PAUSE_MS, learned * 2));
    const asked =
      retryAfterSeconds !== undefined && retryAfterSeconds > 0 ? retryAfterSeconds * 1000 : learned;
    const until = this.options.now() + Math.min(LONGEST_PAUSE_MS, asked);
    this.extend(api, until);
    this.options.tell?.(api, until);
    this.options.onPaused?.(api);
    return until;
  }

  /** Another replica heard HSS refuse: calls pause here too, at most a window from now. */
  heard(api: string, until: number): void {
    if (!Number.isFinite(until)) return;
    this.extend(api, Math.min(until, this.options.now() + LONGEST_PAUSE_MS));
  }

  /** HSS answered a call of `api`: the next refusal starts the learned backoff afresh. */
  answered(api: string): void {
    this.next.delete(api);
  }

  /** How long calls of `api` stay paused, in ms; 0: not paused. */
  remainingMs(api: string): number {
    const until = this.until.get(api);
    if (until === undefined) return 0;
    const left = until - this.options.now();
    if (left > 0) return left;
    this.until.delete(api);
    return 0;
  }

  /** The longest pause of any API now, in ms. */
  longestMs(): number {
    let longest = 0;
    for (const api of [...this.until.keys()]) longest = Math.max(longest, this.remainingMs(api));
    return longest;
  }

  private extend(api: string, until: number): void {
    if (until > (this.until.get(api) ?? 0)) this.until.set(api, until);
  }
}
