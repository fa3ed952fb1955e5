/**
 * The one part of a stored answer a response-cache hit says anew: `extensions.cost` (a hit makes
 * no upstream call, and the caller's budget has moved on). Answers end with it: the gateway puts
 * it last in `extensions`, and `extensions` last in the answer.
 */
import type { CostExtension } from '../request/ledger.js';

const tailOf = (cost: CostExtension) => Buffer.from(`,"cost":${JSON.stringify(cost)}}}`);

/** The answer without its cost, or undefined when it does not end with exactly that cost. */
export function withoutCost(body: Buffer, cost: CostExtension): Buffer | undefined {
  const tail = tailOf(cost);
  if (body.length < tail.length || !body.subarray(body.length - tail.length).equals(tail)) return undefined;
  // A copy: the stored answer must not keep the whole response buffer alive.
  return Buffer.from(body.subarray(0, body.length - tail.length));
}

/** A stored answer with a cost of its own. */
export function withCost(head: Buffer, cost: CostExtension): Buffer {
  return Buffer.concat([head, tailOf(cost)]);
}
