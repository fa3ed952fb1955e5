/**
 * The fast lane: a GraphQL POST whose document yoga has already run once is executed directly,
 * without yoga's per-request machinery (fetch Request and Response objects, abort signals, the
 * plugin pipeline). Everything yoga checks once per document (parsing, validation, document limits,
 * introspection, trusted documents) it already checked; everything that depends on the request is
 * done here with the same functions yoga's plugins use: the cost limit, the contract's errors,
 * masking, freshness, the response-cache verdict, metrics. Anything else (a document not seen run,
 * an origin not seen answered, an operation over the cost limit, variables that do not fit) is left
 * to yoga, which answers it as always: the fast lane only ever takes the happy path.
 */
import {
  type DocumentNode,
  execute,
  type GraphQLError,
  type GraphQLSchema,
  getOperationAST,
  type OperationDefinitionNode,
  parse,
} from 'graphql';
import { maskError } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import type { ContextFactory } from '../context.js';
import type { Credentials } from '../credentials/credentials.js';
import { toContractError } from '../errors/contract-errors.js';
import {
  type CostExtension,
  cacheableForMs,
  costExtension,
  freshnessExtension,
} from '../graphql/answer-extensions.js';
import { priceOperation } from '../graphql/operation-cost.js';
import type { FastLaneOutcome, GatewayMetrics } from '../observability/metrics.js';
import type { OperationLabels } from '../observability/operation-labels.js';
import { checkWellFormedParams } from '../plugins/use-well-formed-params.js';
import type { Cancellation } from '../quota/cancellation.js';
import type { GraphQLParams } from './graphql-params.js';
import type { StoredResponse } from './response-cache.js';

export interface FastLaneOptions {
  schema: GraphQLSchema;
  contextFor: ContextFactory;
  labels: OperationLabels;
  metrics: GatewayMetrics | undefined;
  logger: Logger;
  /** The page cache's time-to-live: how long an answer may be served from the response cache. */
  cacheTtlMs: number;
  now: () => number;
  /** With TRUSTED_DOCUMENTS=true, the manifest: only its documents, asked for by hash, run here. */
  trustedDocuments: Readonly<Record<string, string>> | undefined;
}

/** One request, as the HTTP handler read it. */
export interface FastLaneRequest {
  params: GraphQLParams;
  credentials: Credentials;
  requestId: string;
  origin: string | undefined;
  accept: string | undefined;
  cancellation: Cancellation;
}

interface KnownDocument {
  document: DocumentNode;
  /** The operations by name (`''` for the only one), as getOperationAST finds them. */
  operations: Map<string, OperationDefinitionNode>;
  /** Prices by operation name and variables: pricing walks the whole document. */
  prices: Map<string, number>;
}

// Prices kept per document; a document asked with ever new variables starts over past this.
const MAX_PRICES_PER_DOCUMENT = 64;

// Documents are keyed by their text; the bounds keep a stream of distinct documents from growing it.
const MAX_DOCUMENTS = 500;
const MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;
// Answer headers by Origin and Accept; a stream of made-up origins only ever reaches yoga.
const MAX_HEADER_SETS = 64;

const headerKey = (origin: string | undefined, accept: string | undefined) =>
  `${origin ?? ''}\u0000${accept ?? ''}`;

export class FastLane {
  private readonly documents = new LRUCache<string, KnownDocument>({
    max: MAX_DOCUMENTS,
    maxSize: MAX_DOCUMENT_BYTES,
    sizeCalculation: (_value, query) => query.length + 1,
  });
  private readonly headerSets = new LRUCache<string, readonly (readonly [string, string])[]>({
    max: MAX_HEADER_SETS,
  });

  constructor(private readonly options: FastLaneOptions) {}

  /** The document text a request asks for: its query, or with trusted documents, the hash's. */
  private queryOf(params: GraphQLParams): string | undefined {
    const { trustedDocuments } = this.options;
    if (!trustedDocuments) return params.query;
    const hash = params.extensions?.persistedQuery?.sha256Hash;
    if (params.query !== undefined || typeof hash !== 'string') return undefined;
    return trustedDocuments[hash.startsWith('sha256:') ? hash : `sha256:${hash}`];
  }

  /**
   * Learns from an answer yoga gave (status 200, the operation ran): the document is good, and these
   * are the headers of an answer to this Origin and Accept.
   */
  learn(
    params: GraphQLParams,
    origin: string | undefined,
    accept: string | undefined,
    answer: StoredResponse,
  ) {
    const query = this.queryOf(params);
    if (query === undefined) return;
    if (!this.documents.has(query)) {
      this.documents.set(query, { document: parse(query), operations: new Map(), prices: new Map() });
    }
    // Only what every answer to this Origin and Accept shares: not what one answer's errors asked for.
    this.headerSets.set(
      headerKey(origin, accept),
      answer.headers.filter(([name]) => name.toLowerCase() !== 'retry-after'),
    );
  }

  /** Answers the request, or undefined when yoga must (see the file's comment). */
  async answer(
    request: FastLaneRequest,
  ): Promise<(StoredResponse & { cacheableForMs: number; cost: CostExtension }) | undefined> {
    const { params } = request;
    const declined = (reason: FastLaneOutcome) => {
      this.options.metrics?.onFastLane(reason);
      return undefined;
    };
    const query = this.queryOf(params);
    const known = query === undefined ? undefined : this.documents.get(query);
    if (!known) return declined('new-document');
    const headers = this.headerSets.get(headerKey(request.origin, request.accept));
    if (!headers) return declined('new-origin');
    const operation = this.operationOf(known, params.operationName);
    if (operation?.operation !== 'query') return declined('not-a-query');
    try {
      checkWellFormedParams(params);
    } catch {
      return declined('malformed');
    }
    const { schema, contextFor, metrics } = this.options;
    const started = performance.now();
    const context = contextFor({
      requestId: request.requestId,
      credentials: request.credentials,
      operationName: operation.name?.value ?? null,
      cancellation: request.cancellation,
    });
    const price = this.priceOf(known, params, context);
    if (price === undefined) return declined('variables');
    if (price > context.maxOperationCost) return declined('over-cost');
    context.operation.estimatedCost = price;
    const result = await execute({
      schema,
      document: known.document,
      contextValue: context,
      variableValues: params.variables,
      operationName: params.operationName,
    });
    // No data: nothing ran (the variables did not coerce); yoga answers that as it always does.
    if (result.data === undefined) return declined('variables');
    this.options.metrics?.onFastLane('answered');
    let answerHeaders = headers;
    const errors = result.errors?.map((error) => {
      const contractual = toContractError(error);
      const masked = maskError(contractual, 'Unexpected error.') as GraphQLError;
      if (masked !== contractual) this.options.logger.error({ err: error }, 'unexpected error');
      const { http, unexpected: _unexpected, ...extensions } = masked.extensions;
      // Headers an error asks for (Retry-After), as yoga adds them.
      const asked = (http as { headers?: Record<string, string> } | undefined)?.headers;
      if (asked) answerHeaders = [...answerHeaders, ...Object.entries(asked)];
      return { ...masked.toJSON(), extensions };
    });
    const freshness = freshnessExtension(context.operation);
    const cost = costExtension(context.operation, await context.budget());
    // `cost` last: a response-cache hit replaces it (answer-cost.ts).
    const body = JSON.stringify({
      errors, // JSON.stringify leaves it out when undefined
      data: result.data,
      extensions: freshness ? { freshness, cost } : { cost },
    });
    const label = this.options.labels.of(operation.name?.value);
    const seconds = (performance.now() - started) / 1000;
    metrics?.recordOperation({
      label,
      type: 'query',
      seconds,
      phase: 'execute',
      errorCodes: errors?.map((e) => e.extensions.code) ?? [],
    });
    metrics?.recordHttp(label, 'query', 'POST', 200, seconds);
    return {
      status: 200,
      headers: answerHeaders,
      body: Buffer.from(body),
      cost,
      cacheableForMs:
        this.options.cacheTtlMs > 0
          ? cacheableForMs(Boolean(errors), context.operation, this.options.cacheTtlMs, this.options.now())
          : 0,
    };
  }

  private priceOf(known: KnownDocument, params: GraphQLParams, context: object): number | undefined {
    const key = `${params.operationName ?? ''}\u0000${params.variables ? JSON.stringify(params.variables) : ''}`;
    let price = known.prices.get(key);
    if (price === undefined) {
      price = priceOperation(
        this.options.schema,
        known.document,
        params.operationName,
        params.variables,
        context,
      );
      if (price === undefined) return undefined;
      if (known.prices.size >= MAX_PRICES_PER_DOCUMENT) known.prices.clear();
      known.prices.set(key, price);
    }
    return price;
  }

  private operationOf(known: KnownDocument, name: string | undefined): OperationDefinitionNode | null {
    const key = name ?? '';
    const found = known.operations.get(key) ?? getOperationAST(known.document, name) ?? null;
    // Only names that exist are remembered: made-up ones must not grow the map.
    if (found) known.operations.set(key, found);
    return found;
  }
}
