/**
 * How the emulator misbehaves on request: added latency, error answers, broken connections and
 * bodies, all off unless asked for; and HSS's real flow control, on unless turned off: 5 calls per
 * minute per user and per source address, per API.
 */
import { z } from 'zod';

const FAULT_KINDS = [
  'status-429',
  'status-429-retry-after',
  'status-500',
  'status-502',
  'status-503',
  'status-504',
  'reset',
  'truncated',
  'non-json',
  'slow-drip',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

const probability = z.number().min(0).max(1);

const faultSettingsSchema = z
  .object({
    /** Milliseconds added before every HSS answer. */
    latencyMs: z.number().int().min(0).max(120_000).optional(),
    /** Probability per request of each fault, drawn from a seeded generator. */
    rates: z.partialRecord(z.enum(FAULT_KINDS), probability).optional(),
    /** Faults for the next requests, in order, before any rate applies: what tests script. */
    next: z.array(z.enum(FAULT_KINDS)).max(1000).optional(),
    /** Retry-After of `status-429-retry-after`, in seconds. Default 1. */
    retryAfterSeconds: z.number().int().min(0).max(3600).optional(),
    /** Pause between the chunks of a `slow-drip` body, in milliseconds. Default 200. */
    dripChunkDelayMs: z.number().int().min(0).max(60_000).optional(),
    /**
     * HSS's flow control: calls per minute per user and per source address, per API; 0 is off.
     * Unset: the emulator's own setting (5, as HSS, unless it was started otherwise).
     */
    quotaPerMinute: z.number().int().min(0).max(100_000).optional(),
    /** Send Retry-After with quota refusals (HSS documents none). */
    quotaRetryAfter: z.boolean().optional(),
    /** Seed of the rates' generator. */
    seed: z.number().int().optional(),
  })
  .strict();

export type FaultSettings = z.infer<typeof faultSettingsSchema>;

/** Reads settings from JSON (admin endpoint, EMULATOR_FAULTS); the message names what is wrong. */
export function parseFaultSettings(
  json: string,
): { ok: true; settings: FaultSettings } | { ok: false; message: string } {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { ok: false, message: 'fault settings must be JSON' };
  }
  const parsed = faultSettingsSchema.safeParse(value);
  if (parsed.success) return { ok: true, settings: parsed.data };
  return {
    ok: false,
    message: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
  };
}

const QUOTA_WINDOW_MS = 60_000;

export class FaultInjector {
  private settings: FaultSettings = {};
  private queue: FaultKind[] = [];
  private random: () => number = Math.random;
  /** When each user's and each address's calls to each API were let through, oldest first. */
  private readonly windows = new Map<string, number[]>();

  /** @param quotaPerMinute HSS's flow control when the settings do not say otherwise; 0: off */
  constructor(
    private readonly now: () => number,
    private readonly quotaPerMinute = 0,
  ) {}

  /** Replaces the settings; the scripted queue and the quota windows start afresh. */
  set(settings: FaultSettings): void {
    this.settings = settings;
    this.queue = [...(settings.next ?? [])];
    this.windows.clear();
    let state = settings.seed ?? 1;
    // mulberry32: the same seed gives the same faults.
    this.random = () => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  /** The settings, with the flow control in force spelled out. */
  get current(): FaultSettings {
    return { ...this.settings, quotaPerMinute: this.quota, next: [...this.queue] };
  }

  private get quota(): number {
    return this.settings.quotaPerMinute ?? this.quotaPerMinute;
  }

  get latencyMs(): number {
    return this.settings.latencyMs ?? 0;
  }

  get retryAfterSeconds(): number {
    return this.settings.retryAfterSeconds ?? 1;
  }

  get dripChunkDelayMs(): number {
    return this.settings.dripChunkDelayMs ?? 200;
  }

  /** The fault for this request, if any. */
  pick(): FaultKind | undefined {
    const scripted = this.queue.shift();
    if (scripted) return scripted;
    for (const [kind, rate] of Object.entries(this.settings.rates ?? {})) {
      if (rate && this.random() < rate) return kind as FaultKind;
    }
    return undefined;
  }

  /**
   * Counts a call against HSS's flow control for one API (each API is counted apart): undefined when
   * allowed, else the seconds until it would be. A call is refused when its user, or its source
   * address, already made `quotaPerMinute` calls of that API in the last 60 s: a sliding window, the
   * strictest reading of "5 calls per minute" (HSS does not say which it uses). Refused calls are not
   * counted.
   */
  throttle(user: string, address: string, api: string): number | undefined {
    const limit = this.quota;
    if (!limit) return undefined;
    const now = this.now();
    const logs = [`${api}\u0000user\u0000${user}`, `${api}\u0000address\u0000${address}`].map((key) => {
      const calls = (this.windows.get(key) ?? []).filter((at) => at > now - QUOTA_WINDOW_MS);
      this.windows.set(key, calls);
      return calls;
    });
    const full = logs.filter((calls) => calls.length >= limit);
    if (full.length === 0) {
      for (const calls of logs) calls.push(now);
      return undefined;
    }
    // Allowed again once the oldest call that keeps each full window full has left it.
    const waitMs = Math.max(
      ...full.map((calls) => (calls[calls.length - limit] ?? now) + QUOTA_WINDOW_MS - now),
    );
    return Math.max(1, Math.ceil(waitMs / 1000));
  }

  get quotaRetryAfter(): boolean {
    return this.settings.quotaRetryAfter ?? false;
  }
}
