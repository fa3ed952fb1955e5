/**
 * Which credentials the gateway will spend an upstream call on. Without it, anyone who reaches the
 * gateway could spend HSS's quota (counted per user *and per IP*: the gateway's) with made-up
 * tokens, one call each, for ever.
 * - Credentials HSS refused (401) are refused again, without a call, for a minute.
 * - A caller's token HSS has not accepted yet ("unproven") draws from a budget of calls per minute
 *   for all such tokens together, and from a smaller one for those of each client address (made-up
 *   tokens are free to invent, addresses are not), so made-up tokens buy a bounded number of
 *   calls, and one address making them up cannot lock callers at other addresses out; once HSS
 *   accepts a token, it is proven and only its own budget applies.
 * Identities (digests), never tokens, are remembered; both memories are bounded.
 */
import { LRUCache } from 'lru-cache';
import type { Credentials } from '../credentials/credentials.js';
import { HssError } from '../errors/hss-error.js';
import type { CallBudget } from './call-budget.js';

/** The unproven tokens' budget, as the budgets name what they count. */
export const UNPROVEN_TOKENS_API = 'unproven-caller-tokens';

/** How long a refusal is remembered. */
const REFUSAL_MEMORY_MS = 60_000;
const MAX_REMEMBERED = 10_000;

export interface CredentialScreenOptions {
  /**
   * The budget of calls with unproven caller tokens: per client address (its `perCaller`) and for
   * all addresses together (its `perAddress`).
   */
  unproven: CallBudget;
  now: () => number;
  /** Told when HSS refuses credentials here, for the other replicas of a fleet. */
  onRefused?: (identity: string) => void;
}

export class CredentialScreen {
  private readonly refused = new LRUCache<string, number>({ max: MAX_REMEMBERED });
  private readonly proven = new LRUCache<string, true>({ max: MAX_REMEMBERED });

  constructor(private readonly options: CredentialScreenOptions) {}

  /** Refuses, before any cache or call, credentials HSS refused less than a minute ago. */
  recentRefusal(identity: string): HssError | undefined {
    const refusedAt = this.refused.get(identity);
    if (refusedAt === undefined) return undefined;
    const wait = refusedAt + REFUSAL_MEMORY_MS - this.options.now();
    if (wait <= 0) {
      this.refused.delete(identity);
      return undefined;
    }
    return new HssError(
      'UNAUTHENTICATED',
      `HSS refused these credentials less than a minute ago; the gateway asks again in ${Math.ceil(wait / 1000)} s.`,
    );
  }

  /** Another replica was refused these credentials by HSS: they are refused here too, for a minute. */
  refusedElsewhere(identity: string): void {
    this.proven.delete(identity);
    this.refused.set(identity, this.options.now());
  }

  /** Takes a call from the unproven budget when the credentials are a caller's unproven token. */
  async admit(
    credentials: Credentials,
    identity: string,
    clientAddress = 'unknown',
  ): Promise<HssError | undefined> {
    if (credentials.kind !== 'token' || credentials.source !== 'caller' || this.proven.has(identity)) {
      return undefined;
    }
    const grant = await this.options.unproven.take({
      api: UNPROVEN_TOKENS_API,
      identity: clientAddress,
      calls: 1,
      priority: 'foreground',
    });
    if (grant.granted) return undefined;
    return new HssError(
      'RATE_LIMITED',
      grant.refusedBy === 'caller'
        ? `Too many calls from this address with tokens HSS has not accepted yet; retry in ${grant.retryAfterSeconds} s.`
        : `Too many calls with tokens HSS has not accepted yet; retry in ${grant.retryAfterSeconds} s.`,
      { retryAfter: grant.retryAfterSeconds },
    );
  }

  /** Hears how HSS answered a call made with these credentials. */
  onAnswer(credentials: Credentials, identity: string, error: unknown): void {
    // An IAM provider replaces a refused token itself: its identity stays usable.
    if (credentials.kind === 'iam') return;
    if (error === undefined) {
      this.proven.set(identity, true);
    } else if (error instanceof HssError && error.code === 'UNAUTHENTICATED' && error.upstream) {
      this.refusedElsewhere(identity);
      this.options.onRefused?.(identity);
    }
  }
}
