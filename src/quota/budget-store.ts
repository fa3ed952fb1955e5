/**
 * Where the budgets' logs of granted calls live: in memory for one gateway, in Redis for replicas
 * that leave through one address (and so share HSS's per-address quota). Both keep, per API, the
 * calls of each caller and of the address in the last window, which callers asked lately, and what
 * waiting requests were refused (debts); the rule that reads them is budget-rule.ts. One gateway's
 * store: memory-budget-store.ts; a fleet's: redis-budget-store.ts.
 *
 * A call is entered when it is granted, and moved to when it ended once it has: HSS counts a call
 * when it arrives, somewhere in between, so a window counted from the end never lets a call out of
 * the window before HSS lets it out of its own. A grant is entered only if the window still holds
 * what the decision read (compare and set), so replicas deciding at once never overspend.
 */
import { randomUUID } from 'node:crypto';
import type { Asker, BudgetView } from './budget-rule.js';

export interface BudgetStore {
  /** The window at `now`; `asking` records the principal as one that asked (fair shares count it). */
  view(api: string, asker: Asker, now: number, windowMs: number, asking: boolean): Promise<BudgetView>;
  /**
   * Enters the calls granted, unless the window changed since the decision read it in what the rule
   * counts: false then, and the asker decides again.
   */
  record(grant: Grant): Promise<boolean>;
  /** Moves a call to `at`: when it ended. */
  settle(api: string, asker: Asker, id: string, at: number, windowMs: number): Promise<void>;
  /** Remembers that a waiting request of the principal was refused `calls` calls at `now`; 0 forgets it. */
  owe(api: string, asker: Asker, calls: number, now: number, windowMs: number): Promise<void>;
}

/** Calls a decision granted, to be entered in the logs as long as the window is as it was read. */
export interface Grant {
  api: string;
  asker: Asker;
  /** The calls' ids. */
  ids: readonly string[];
  now: number;
  windowMs: number;
  /** The window the decision read. */
  read: BudgetView;
  /** What of it the rule counted. */
  counted: Counted;
}

/** Which of the two logs the rule counts (a budget of 0 is off). */
interface Counted {
  caller: boolean;
  address: boolean;
}

/** One call of the log: which, when, with which credentials, for whom. */
export interface LoggedCall extends Asker {
  id: string;
  at: number;
}

/** A fresh id for each granted call. */
export const callId = () => randomUUID();

// Callers remembered per API; made-up credentials must not grow the memory without bound.
export const MAX_CALLERS = 10_000;
/**
 * How long a debt stands, in windows: long enough for the request that was refused to come back
 * once the calls it waits for have left the window (each refusal renews it, each grant pays it).
 */
export const DEBT_WINDOWS = 2;
