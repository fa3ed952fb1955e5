/**
 * The refusals the gateway makes itself, before or instead of running an operation: as an HTTP
 * answer (when a hook ends the request) or as a GraphQL error a hook throws (yoga answers it with
 * the status in `extensions.http`). Each carries its `extensions.code`.
 */
import { GraphQLError } from 'graphql';
import { createGraphQLError } from 'graphql-yoga';
import type { RefusalCode } from './codes.js';

/** The JSON body of a refusal. */
export function refusalBody(code: RefusalCode, message: string): string {
  return JSON.stringify({ errors: [{ message, extensions: { code } }] });
}

/** A refusal as a whole HTTP answer. */
export function refusalResponse(status: number, code: RefusalCode, message: string): Response {
  return new Response(refusalBody(code, message), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
}

/** A refusal a yoga hook throws: answered with `status`. */
export function refusalError(status: number, code: RefusalCode, message: string): GraphQLError {
  return createGraphQLError(message, { extensions: { code, http: { status } } });
}

/** An operation priced over MAX_OPERATION_COST before it ran: a validation error, HTTP 400. */
export function priceRefusal(cost: number, maxCost: number): GraphQLError {
  return new GraphQLError(
    `This operation could cost up to ${cost} upstream calls; the gateway allows ${maxCost} per operation (MAX_OPERATION_COST). Ask for fewer rows, or for the servers of one port with portServers instead of servers under a list.`,
    {
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost', cost, maxCost, http: { status: 400 } },
    },
  );
}

/**
 * An operation asked for more blocks than MAX_OPERATION_COST while it ran: the estimate before it
 * ran fell short of what the data needed (entities spread over large scopes). It stops there; the
 * contract's mapping (contract-errors.ts) gives it COST_LIMIT_EXCEEDED.
 */
export class CostLimitError extends Error {
  override readonly name = 'CostLimitError';
  constructor(readonly maxCost: number) {
    super(
      `This operation needed more than the ${maxCost} upstream calls the gateway allows per operation (MAX_OPERATION_COST); ask for fewer entities at once.`,
    );
  }
}
