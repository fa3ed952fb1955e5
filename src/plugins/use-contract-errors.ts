/**
 * Rewrites execution errors into the contract's form (see src/errors/contract-errors.ts) before yoga's
 * masking sees them, so expected errors (bad input, upstream refusals) are neither masked nor
 * logged as unexpected.
 */
import type { ExecutionResult, GraphQLError } from 'graphql';
import { handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';
import { toContractError } from '../errors/contract-errors.js';

/** A result (or a streamed or live answer's part) with its errors in the contract's form. */
function contractResult({
  result,
  setResult,
}: {
  result: ExecutionResult;
  setResult(result: ExecutionResult): void;
}) {
  // A part of a streamed answer (@defer, @stream) carries its errors in its increments.
  const { incremental } = result as { incremental?: { errors?: readonly GraphQLError[] }[] };
  const inIncrements = incremental?.some((part) => part.errors?.length);
  if (!result.errors?.length && !inIncrements) return;
  setResult({
    ...result,
    ...(result.errors?.length && { errors: result.errors.map((e) => toContractError(e as GraphQLError)) }),
    ...(inIncrements && {
      incremental: incremental?.map((part) =>
        part.errors?.length ? { ...part, errors: part.errors.map(toContractError) } : part,
      ),
    }),
  } as ExecutionResult);
}

export function useContractErrors(): Plugin {
  return {
    onExecute() {
      return {
        onExecuteDone(payload) {
          return handleStreamOrSingleExecutionResult(payload, contractResult);
        },
      };
    },
    // Each event of a live answer (a subscription).
    onSubscribe() {
      return {
        onSubscribeResult(payload) {
          return handleStreamOrSingleExecutionResult(payload, contractResult);
        },
      };
    },
  };
}
