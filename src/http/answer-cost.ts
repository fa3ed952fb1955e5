/**
 * The one part of an answer the handler writes itself: `extensions.cost`, at the marker yoga left
 * for it (src/request/edge-contract.ts). A kept answer keeps its marker, so each response-cache hit
 * says its own cost (a hit makes no upstream call, and the caller's budget has moved on).
 */
import { COST_MARKER } from '../request/edge-contract.js';
import type { CostExtension } from '../request/ledger.js';

// The marker as it stands in the JSON answer: a string value.
const MARKER = Buffer.from(JSON.stringify(COST_MARKER));

/** Whether the answer holds the marker (once): it is the handler's to complete, and may be kept. */
export function hasCostMarker(body: Buffer): boolean {
  const at = body.indexOf(MARKER);
  return at >= 0 && body.indexOf(MARKER, at + MARKER.length) < 0;
}

/** The answer with its cost written at the marker; as it is without one. */
export function withCost(body: Buffer, cost: CostExtension): Buffer {
  const at = body.indexOf(MARKER);
  if (at < 0) return body;
  return Buffer.concat([
    body.subarray(0, at),
    Buffer.from(JSON.stringify(cost)),
    body.subarray(at + MARKER.length),
  ]);
}
