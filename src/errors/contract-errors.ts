/**
 * How errors reach clients: every error carries `extensions.code`. Upstream errors were already
 * classified (src/errors/hss-error.ts); this only copies that classification into GraphQL terms.
 */
import { PothosValidationError } from '@pothos/core';
import { GraphQLError } from 'graphql';
import { HssError } from './hss-error.js';
import { InvalidArgumentError } from './invalid-argument.js';
import { CostLimitError } from './refusals.js';

function rebuilt(error: GraphQLError, message: string, extensions: Record<string, unknown>): GraphQLError {
  // No originalError: the result is a deliberate client-facing error, which yoga neither masks nor
  // logs as unexpected.
  return new GraphQLError(message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions: { ...error.extensions, ...extensions },
  });
}

/**
 * The contract's form of an error from execution, or the error unchanged when it is not one the
 * gateway knows (yoga's masking then hides it as INTERNAL_SERVER_ERROR).
 */
export function toContractError(error: GraphQLError): GraphQLError {
  const original = error.originalError;
  if (original instanceof HssError) {
    const extensions: Record<string, unknown> = { code: original.code };
    if (original.reason) extensions.reason = original.reason;
    if (original.upstream) extensions.upstream = original.upstream;
    if (original.api) extensions.api = original.api;
    if (original.budget) extensions.budget = original.budget;
    if (original.retryAfter !== undefined) {
      extensions.retryAfter = original.retryAfter;
      if (original.retryAt !== undefined) extensions.retryAt = new Date(original.retryAt).toISOString();
      // The HTTP answer says it too (yoga moves `http` into the response and out of the body).
      extensions.http = { headers: { 'Retry-After': String(original.retryAfter) } };
    }
    return rebuilt(error, original.message, extensions);
  }
  if (original instanceof InvalidArgumentError) {
    return rebuilt(error, original.message, { code: 'BAD_USER_INPUT', argument: original.argument });
  }
  if (original instanceof CostLimitError) {
    return rebuilt(error, original.message, {
      code: 'COST_LIMIT_EXCEEDED',
      limit: 'cost',
      maxCost: original.maxCost,
    });
  }
  if (original instanceof PothosValidationError) {
    return rebuilt(error, original.message, { code: 'BAD_USER_INPUT' });
  }
  // Variables that do not coerce (`$first: Int` given "abc") fail before any field runs: no path and
  // no code. They are malformed arguments.
  if (!error.path && error.extensions.code === undefined && error.message.startsWith('Variable "$')) {
    return rebuilt(error, error.message, { code: 'BAD_USER_INPUT' });
  }
  return error;
}
