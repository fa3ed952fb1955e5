/**
 * Whether the gateway may spend upstream calls now: the rule both budget stores apply (memory, and
 * Redis for replicas that share an address). HSS refuses a user, and a source address, past 5 calls
 * of one API in a minute, and does not say whether its minute is fixed or sliding, so the gateway
 * counts a log of the calls it made in any window (a sliding window is safe under either), and asks
 * of every call:
 * - the caller's budget: calls with these credentials (HSS counts per user);
 * - the address budget: calls of all callers together (HSS counts per source IP: every caller of
 *   the gateway, and every replica leaving through the same address, shares it);
 * - foreground first: a background refresh leaves `refreshReserve` address calls to requests that
 *   have nothing to show, and more when such requests were refused lately for want of calls (what
 *   they asked for is remembered as a debt until they get it, or for a window);
 * - fair shares: once another principal has asked within the last two windows, no principal may
 *   hold the whole address budget, so a newcomer always gets a call within one window.
 */

/** Why a call is made: a request waits for it, or it renews data that is already being served. */
export type CallPriority = 'foreground' | 'refresh';

export interface BudgetLimits {
  /** Calls per window with one caller's credentials, per API; 0: not counted. */
  perCaller: number;
  /** Calls per window of all callers together, per API; 0: not counted. */
  perAddress: number;
  /** Address calls per window that refreshes leave to requests waiting for data. */
  refreshReserve: number;
  windowMs: number;
}

/**
 * Who asks for calls: the credentials HSS is called with (HSS counts its per-user quota by them:
 * the caller budget), and the principal on whose behalf (fair shares of the address budget are
 * kept per principal: fifty signed-in users calling as one service identity are fifty callers).
 */
export interface Asker {
  identity: string;
  principal: string;
}

/** What the stores know of one API's window for one caller. */
export interface BudgetView {
  /** When the caller's calls in the window were granted, oldest first. */
  caller: readonly number[];
  /** The address's calls in the window, oldest first: when, with which credentials, for whom, which. */
  address: readonly { at: number; identity: string; principal: string; id?: string }[];
  /** Other principals that asked for calls of this API within the last two windows. */
  othersSeen: number;
  /** Calls that requests waiting for data were refused within the window (per caller, the last). */
  owed: number;
}

export interface BudgetRequest {
  /** The HSS API: HSS counts its quota per API. */
  api: string;
  /** Who calls: a digest of the credentials. */
  identity: string;
  /** On whose behalf: fair shares are per principal. Default: the identity. */
  principal?: string;
  /** How many calls at once, granted together or not at all (a block source takes one per block). */
  calls: number;
  priority: CallPriority;
}

/**
 * Which budget refused: the caller's, the address's, the reserve refreshes leave, a fair share, this
 * replica's share of the fleet's limits while it decides without Redis (`share`); or none could be
 * decided (`undecided`: Redis did not answer, or other replicas kept taking calls).
 */
export type BudgetRefusal = 'caller' | 'address' | 'reserve' | 'fair-share' | 'undecided' | 'share';

export type BudgetDecision =
  | { granted: true }
  | { granted: false; retryAfterSeconds: number; refusedBy: BudgetRefusal };

/** Milliseconds until `needed` of `times` (oldest first) have left the window. */
function untilExpired(times: readonly number[], needed: number, limits: BudgetLimits, now: number): number {
  const oldest = times[needed - 1];
  // More calls than the whole budget holds: they never fit; a window is the honest answer.
  if (oldest === undefined) return limits.windowMs;
  return Math.max(1, oldest + limits.windowMs - now);
}

function refusal(refusedBy: BudgetRefusal, waitMs: number): BudgetDecision {
  return { granted: false, refusedBy, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
}

/** The rule: grant `request.calls` calls, or say which budget refuses and for how long. */
export function decide(
  view: BudgetView,
  request: BudgetRequest,
  limits: BudgetLimits,
  now: number,
): BudgetDecision {
  const n = request.calls;
  if (limits.perCaller > 0 && view.caller.length + n > limits.perCaller) {
    return refusal(
      'caller',
      untilExpired(view.caller, view.caller.length + n - limits.perCaller, limits, now),
    );
  }
  if (limits.perAddress === 0) return { granted: true };
  const times = view.address.map((call) => call.at);
  if (times.length + n > limits.perAddress) {
    return refusal('address', untilExpired(times, times.length + n - limits.perAddress, limits, now));
  }
  // What waiting requests were refused is theirs to take first; a refresh can always wait.
  const reserve = request.priority === 'refresh' ? Math.max(limits.refreshReserve, view.owed) : 0;
  if (times.length + n > limits.perAddress - reserve) {
    return refusal(
      'reserve',
      untilExpired(times, times.length + n - (limits.perAddress - reserve), limits, now),
    );
  }
  if (view.othersSeen > 0 && limits.perAddress > 1) {
    const who = request.principal ?? request.identity;
    const own = view.address.filter((call) => call.principal === who).map((call) => call.at);
    const share = limits.perAddress - 1;
    if (own.length + n > share)
      return refusal('fair-share', untilExpired(own, own.length + n - share, limits, now));
  }
  return { granted: true };
}

/** Where a caller's budget stands, as `rateLimit` and `extensions.cost.budget` show it. */
export interface BudgetState {
  /** Calls a minute for these credentials. */
  limit: number;
  /** Calls the caller may still make now: the smaller of what its own and the address budget leave. */
  remaining: number;
  /** Calls made with these credentials in the window. */
  used: number;
  /** When the oldest counted call leaves the window, epoch milliseconds; null when none is counted. */
  resetAt: number | null;
}

export function stateOf(view: BudgetView, limits: BudgetLimits): BudgetState | null {
  if (limits.perCaller === 0 && limits.perAddress === 0) return null;
  const limit = limits.perCaller > 0 ? limits.perCaller : limits.perAddress;
  const callerLeft = limits.perCaller > 0 ? limits.perCaller - view.caller.length : limit;
  const addressLeft = limits.perAddress > 0 ? limits.perAddress - view.address.length : limit;
  const oldest = Math.min(
    view.caller[0] ?? Number.POSITIVE_INFINITY,
    view.address[0]?.at ?? Number.POSITIVE_INFINITY,
  );
  return {
    limit,
    remaining: Math.max(0, Math.min(callerLeft, addressLeft)),
    used: view.caller.length,
    resetAt: Number.isFinite(oldest) ? oldest + limits.windowMs : null,
  };
}

/** Calls left of a budget in its window, and its limit (this replica's share while it decides alone). */
interface BudgetLeft {
  limit: number;
  remaining: number;
}
export type QuotaLeft = Partial<Record<'caller' | 'address', BudgetLeft>>;

/** What is left of each budget, from a window's calls through the address. */
export function leftOf(view: BudgetView, applied: BudgetLimits | null, limits: BudgetLimits): QuotaLeft {
  const perIdentity = new Map<string, number>();
  for (const call of view.address) perIdentity.set(call.identity, (perIdentity.get(call.identity) ?? 0) + 1);
  const busiest = Math.max(0, ...perIdentity.values());
  const left: QuotaLeft = {};
  const of = (limit: number, used: number) => ({ limit, remaining: Math.max(0, limit - used) });
  if (limits.perCaller > 0) left.caller = of(applied?.perCaller ?? 0, busiest);
  if (limits.perAddress > 0) left.address = of(applied?.perAddress ?? 0, view.address.length);
  return left;
}
