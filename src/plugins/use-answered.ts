/**
 * Tells of every GraphQL request yoga answers, once its response is made: who asked it (its id),
 * which operation, its status, how long it took, its errors' codes (as sent: the contract's), what
 * it spent of HSS's quota and how old its data is. The access log and the data-age metrics hear it
 * (src/observability/access-log.ts); a response-cache hit, which yoga never sees, is told by the
 * HTTP handler.
 */
import type { Plugin } from 'graphql-yoga';
import { type Answered, servedFrom } from '../observability/access-log.js';
import type { OperationLedger } from '../request/ledger.js';
import type { GatewayContext } from '../schema/types.js';
import { requestIdOf } from './use-request-id.js';

interface Pending {
  started: number;
  operation: string | null;
  ledger?: OperationLedger;
  errorCodes: string[];
}

export interface AnsweredOptions {
  graphqlEndpoint: string;
  onAnswered(answered: Answered): void;
  now: () => number;
}

export function useAnswered(options: AnsweredOptions): Plugin<GatewayContext> {
  const pending = new WeakMap<Request, Pending>();
  return {
    onRequest({ request, url }) {
      if (url.pathname === options.graphqlEndpoint) {
        pending.set(request, { started: performance.now(), operation: null, errorCodes: [] });
      }
    },
    onParams({ request, params }) {
      const entry = pending.get(request);
      if (entry && typeof params.operationName === 'string') entry.operation = params.operationName;
    },
    onExecute({ args }) {
      const entry = pending.get(args.contextValue.request);
      if (!entry) return;
      entry.ledger = args.contextValue.operation;
      entry.operation = entry.ledger.name ?? entry.operation;
    },
    onResultProcess({ request, result }) {
      const entry = pending.get(request);
      if (!entry || Array.isArray(result) || !('errors' in result)) return;
      entry.errorCodes = (result.errors ?? []).map((e) =>
        String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'),
      );
    },
    onResponse({ request, response }) {
      const entry = pending.get(request);
      if (!entry) return;
      pending.delete(request);
      const { ledger } = entry;
      const freshness = ledger?.freshness;
      options.onAnswered({
        requestId: requestIdOf(request),
        operation: entry.operation,
        method: request.method,
        status: response.status,
        durationMs: performance.now() - entry.started,
        errorCodes: entry.errorCodes,
        upstreamCalls: ledger?.upstreamCalls ?? 0,
        sharedCalls: ledger?.sharedCalls ?? 0,
        blocks: ledger?.blocksServed ?? 0,
        served: ledger ? servedFrom(ledger) : 'none',
        dataAgeMs: freshness ? Math.max(0, options.now() - freshness.oldestFetchedAt) : null,
        stale: freshness?.stale ?? false,
      });
    },
  };
}
