/**
 * Rewrites execution errors into the contract's form (see src/errors/contract-errors.ts) before yoga's
 * masking sees them, so expected errors (bad input, upstream refusals) are neither masked nor
 * logged as unexpected.
 */
import type { GraphQLError } from 'graphql';
import { handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';
import { toContractError } from '../errors/contract-errors.js';

export function useContractErrors(): Plugin {
  return {
    onExecute() {
      return {
        onExecuteDone(payload) {
          return handleStreamOrSingleExecutionResult(payload, ({ result, setResult }) => {
            if (!result.errors?.length) return;
            setResult({ ...result, errors: result.errors.map((e) => toContractError(e as GraphQLError)) });
          });
        },
      };
    },
  };
}
