/**
 * HSS said "too many" (429 `APIGW.0308`): its quota per user or per source address is spent,
 * whoever spent it (another tool behind the same address, another replica, a budget set too high).
 * Every further call that quota covers would be refused too, so none is made, by any replica, for
 * as long as HSS asked (Retry-After) or, as HSS documents none, a learned backoff: 10 s after a
 * first refusal, doubled after each refusal that follows a pause, up to HSS's window of 60 s; an
 * answer resets it. HSS does not say which quota refused. The service identity's calls serve every
 * caller, so a refusal of one pauses the API for everyone; a refusal of a caller's own credentials
 * pauses those credentials (their user's quota may be spent elsewhere: it must not stop the
 * others), and everyone once a second caller's credentials are refused within a window (the
 * address's quota, then). A pause is told over the fleet channel; what is heard is bounded by the
 * window, whoever told it.
 */
const FIRST_PAUSE_MS = 10_000;
/** HSS's quota is per minute: after 60 s, the calls that filled it have left its window. */
const WINDOW_MS = 60_000;
/** The pause of every caller's calls of an API, beside those of one caller's credentials. */
const EVERYONE = '*';
/** Callers' credentials whose refusals are remembered per API, at most (made-up ones never call). */
const MAX_REMEMBERED = 1000;

/** Who a pause stops: every caller, or the credentials (their identity) HSS refused. */
export type PauseScope = { everyone: true } | { everyone: false; identity: string };

export interface UpstreamPauseOptions {
  now: () => number;
  /** Tells the other replicas (the fleet channel); undefined: a gateway alone. */
  tell?: (api: string, until: number, identity: string | undefined) => void;
  /** Hears of each refusal that paused calls here (metrics, the log). */
  onPaused?: (api: string, everyone: boolean) => void;
}

export class UpstreamPause {
  /** Until when calls pause, by API and by whom (EVERYONE, or credentials). */
  private readonly until = new Map<string, number>();
  /** The next learned pause per API and whom: grows while refusals follow pauses. */
  private readonly next = new Map<string, number>();
  /** When callers' own credentials were last refused, per API: a second one means the address. */
  private readonly refusedCallers = new Map<string, Map<string, number>>();

  constructor(private readonly options: UpstreamPauseOptions) {}

  /** HSS refused a call of `api` for its quota: calls pause; answers until when. */
  throttled(api: string, scope: PauseScope, retryAfterSeconds?: number): number {
    const everyone = scope.everyone || this.anotherCallerRefused(api, scope.identity);
    const key = keyOf(api, everyone ? EVERYONE : (scope as { identity: string }).identity);
    const learned = this.next.get(key) ?? FIRST_PAUSE_MS;
    this.learn(key, Math.min(WINDOW_MS, learned * 2));
    const asked =
      retryAfterSeconds !== undefined && retryAfterSeconds > 0 ? retryAfterSeconds * 1000 : learned;
    const until = this.options.now() + Math.min(WINDOW_MS, asked);
    this.extend(key, until);
    this.options.tell?.(api, until, everyone ? undefined : (scope as { identity: string }).identity);
    this.options.onPaused?.(api, everyone);
    return until;
  }

  /**
   * Another replica heard HSS refuse: calls pause here too, at most a window from now; what it
   * learned is learned here (the next pause doubles this one, and a caller's refusal counts towards
   * the address's), so the fleet backs off as one.
   */
  heard(api: string, until: number, identity?: string): void {
    if (!Number.isFinite(until)) return;
    const now = this.options.now();
    const bounded = Math.min(until, now + WINDOW_MS);
    const key = keyOf(api, identity ?? EVERYONE);
    this.extend(key, bounded);
    const learned = Math.min(WINDOW_MS, Math.max(FIRST_PAUSE_MS, 2 * (bounded - now)));
    this.learn(key, Math.max(this.next.get(key) ?? FIRST_PAUSE_MS, learned));
    if (identity !== undefined) this.anotherCallerRefused(api, identity);
  }

  /** HSS answered a call of `api` with these credentials: the next refusal starts the backoff afresh. */
  answered(api: string, identity: string): void {
    this.next.delete(keyOf(api, identity));
    this.next.delete(keyOf(api, EVERYONE));
  }

  /** How long calls of `api` with these credentials stay paused, in ms; 0: not paused. */
  remainingMs(api: string, identity?: string): number {
    const everyone = this.left(keyOf(api, EVERYONE));
    return identity === undefined ? everyone : Math.max(everyone, this.left(keyOf(api, identity)));
  }

  private left(key: string): number {
    const until = this.until.get(key);
    if (until === undefined) return 0;
    const left = until - this.options.now();
    if (left > 0) return left;
    this.until.delete(key);
    return 0;
  }

  /** Whether credentials other than these were refused within the window (and remembers these). */
  private anotherCallerRefused(api: string, identity: string): boolean {
    const now = this.options.now();
    let refused = this.refusedCallers.get(api);
    if (!refused) {
      refused = new Map();
      this.refusedCallers.set(api, refused);
    }
    let another = false;
    for (const [other, at] of refused) {
      if (now - at > WINDOW_MS) refused.delete(other);
      else if (other !== identity) another = true;
    }
    refused.delete(identity);
    refused.set(identity, now);
    if (refused.size > MAX_REMEMBERED) refused.delete(refused.keys().next().value as string);
    return another;
  }

  private learn(key: string, nextMs: number): void {
    this.next.delete(key);
    this.next.set(key, nextMs);
    if (this.next.size > MAX_REMEMBERED) this.next.delete(this.next.keys().next().value as string);
  }

  private extend(key: string, until: number): void {
    if (until > (this.until.get(key) ?? 0)) this.until.set(key, until);
    if (this.until.size > MAX_REMEMBERED) this.until.delete(this.until.keys().next().value as string);
  }
}

const keyOf = (api: string, who: string) => `${api}\u0000${who}`;
