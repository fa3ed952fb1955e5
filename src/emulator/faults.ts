/**
 * How the emulator misbehaves on request: added latency, error answers, broken connections and
 * bodies, and HSS's real flow control (5 calls per minute per user per API). Off unless asked for.
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
    /** HSS's flow control: calls per minute per credential and API; unset or 0 is off. */
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
  private readonly windows = new Map<string, { start: number; calls: number }>();

  constructor(private readonly now: () => number) {}

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

  get current(): FaultSettings {
    return { ...this.settings, next: [...this.queue] };
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
   * Counts a call against the credential's quota for one API (HSS counts each API apart): undefined
   * when allowed, else the seconds until the window resets (a fixed one-minute window from the
   * credential's first call to that API in it).
   */
  throttle(credential: string, api: string): number | undefined {
    const limit = this.settings.quotaPerMinute;
    if (!limit) return undefined;
    const now = this.now();
    const key = `${api}\u0000${credential}`;
    let window = this.windows.get(key);
    if (!window || now - window.start >= QUOTA_WINDOW_MS) {
      window = { start: now, calls: 0 };
      this.windows.set(key, window);
    }
    if (window.calls < limit) {
      window.calls++;
      return undefined;
    }
    return Math.max(1, Math.ceil((window.start + QUOTA_WINDOW_MS - now) / 1000));
  }

  get quotaRetryAfter(): boolean {
    return this.settings.quotaRetryAfter ?? false;
  }
}
