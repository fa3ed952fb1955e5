/**
 * What a call a budget refused answers: RATE_LIMITED, naming the budget that refused it (the
 * variable that sets it) and when to retry.
 */
import { HssError } from '../errors/hss-error.js';
import type { BudgetDecision, BudgetLimits } from './budget-rule.js';

/** What a refused call answers: RATE_LIMITED, naming the budget that refused and when to retry. */
export function budgetRefusal(
  api: string,
  answer: Extract<BudgetDecision, { granted: false }>,
  limits: BudgetLimits,
): HssError {
  const wait = `retry in ${answer.retryAfterSeconds} s.`;
  const all = `The gateway's budget of ${limits.perAddress} ${api} calls a minute for all callers together is spent (HSS_ADDRESS_RATE_LIMIT_PER_MINUTE: HSS counts calls per source address); ${wait}`;
  const messages: Record<typeof answer.refusedBy, string> = {
    undecided: `The gateway's budgets of ${api} calls could not be decided now (Redis did not answer, or other replicas kept taking calls); ${wait}`,
    caller: `The gateway's budget of ${limits.perCaller} ${api} calls a minute for these credentials is spent (HSS_RATE_LIMIT_PER_MINUTE); ${wait}`,
    'fair-share': `These credentials have had their share of the ${limits.perAddress} ${api} calls a minute HSS allows this gateway's address while other callers wait (HSS_ADDRESS_RATE_LIMIT_PER_MINUTE); ${wait}`,
    share: `This replica decides without Redis on its share of the gateway's ${api} calls (the limits divided by FLEET_MAX_REPLICAS, for a window after Redis was lost or came back), and that share is spent or not yet safe to use; ${wait}`,
    address: all,
    // Only refreshes are refused for the reserve, and no client sees them; said as the address's.
    reserve: all,
  };
  return new HssError('RATE_LIMITED', messages[answer.refusedBy], {
    retryAfter: answer.retryAfterSeconds,
    reason: answer.refusedBy === 'fair-share' ? 'FAIR_SHARE' : answer.refusedBy.toUpperCase(),
    api,
    // Every budget but the caller's is a part of what HSS allows the gateway's address.
    budget: answer.refusedBy === 'caller' ? 'caller' : 'address',
  });
}
