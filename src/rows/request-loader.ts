/**
 * One request's loads, below the row sources: each distinct block once (a DataLoader keyed by the
 * canonical upstream request), so the same query asked twice in one operation (aliases, fragments,
 * a list and a node lookup) is one load; across requests, the block source's cache and coalescing
 * take over. Each load is made as the caller may make it: refused by its access before anything,
 * or reading its scope's shared blocks (proving the scope first where its access is by proof), or
 * its own where HSS answers each caller differently (`all_granted_eps`). The distinct blocks asked
 * for are counted against MAX_OPERATION_COST; what a single block served is written in the ledger
 * (a snapshot's blocks, by the row source that read it).
 */
import type { Context as OtelContext } from '@opentelemetry/api';
import DataLoader from 'dataloader';
import type { Logger } from 'pino';
import { isAllGrantedEps } from '../auth/access-policy.js';
import type { Caller } from '../auth/principal.js';
import { identityOf } from '../credentials/credentials.js';
import { HssError } from '../errors/hss-error.js';
import { CostLimitError } from '../errors/refusals.js';
import type { FetchedBlock } from '../model/block.js';
import { type OperationLedger, recordServed } from '../model/rows.js';
import type { CachedBlock } from '../quota/block-cache.js';
import { canonicalBlockKey } from '../quota/block-key.js';
import { type BlockRequest, type CallContext, SHARED_READER } from '../quota/block-request.js';
import type { UpstreamBlocks } from '../quota/block-source.js';
import type { Cancellation } from '../quota/cancellation.js';
import { enterpriseProjectOf } from '../quota/entitlements.js';
import type { BlockLoads, ListCall } from './blocks.js';
import type { Snapshot, TableSource } from './tables.js';

/** What a row source loads for one request: blocks, and what reading a table whole takes. */
export type RowLoads = BlockLoads & TableSource;

export interface RequestLoaderOptions {
  blocks: UpstreamBlocks;
  /** Who asks; an error instead: every load fails with it, and nothing is sent upstream. */
  caller: Caller | HssError;
  logger: Logger;
  /** The operation's ledger; its name and trace context are read at load time. */
  operation: OperationLedger & { traceContext?: OtelContext };
  cancellation?: Cancellation;
  /** The request's deadline, epoch milliseconds. */
  deadlineAt?: number;
  /** The most distinct blocks one operation may ask for (MAX_OPERATION_COST). */
  maxBlocks: number;
}

/** Whose blocks the caller reads in a scope: shared, or its own credentials' (`all_granted_eps`). */
export const readerFor = (identity: string, enterpriseProjectId: string | undefined) =>
  isAllGrantedEps(enterpriseProjectId) ? identity : SHARED_READER;

const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));

export class RequestLoader implements RowLoads {
  private blockLoader: DataLoader<ListCall<unknown>, FetchedBlock<unknown>, string> | undefined;
  private readonly identity: string;
  /** The distinct blocks the operation asked for: each could be an upstream call. */
  private readonly asked = new Set<string>();

  constructor(private readonly options: RequestLoaderOptions) {
    const { caller } = options;
    this.identity = caller instanceof HssError ? 'none' : identityOf(caller.credentials);
  }

  /** Made on the first load: a request answered from snapshots or refused before it runs needs none. */
  private get loader(): DataLoader<ListCall<unknown>, FetchedBlock<unknown>, string> {
    this.blockLoader ??= new DataLoader<ListCall<unknown>, FetchedBlock<unknown>, string>(
      // HSS has no batch call: each distinct block is one concurrent load.
      (calls) => Promise.all(calls.map((call) => this.loadBlock(call).catch(asError))),
      { cacheKeyFn: (call) => this.keyOf(call) },
    );
    return this.blockLoader;
  }

  /** One block of a list. */
  block<Row>(call: ListCall<Row>): Promise<FetchedBlock<Row>> {
    return this.loader.load(call) as Promise<FetchedBlock<Row>>;
  }

  /** A table's first blocks, served together (quota/block-source.ts). */
  async blocks<Row>(
    calls: ListCall<Row>[],
    firstStored?: { entry: CachedBlock<Row> | undefined },
  ): Promise<FetchedBlock<Row>[]> {
    const requests = calls.map((call) => this.requestFor(call));
    this.ask(calls);
    return this.options.blocks.blocks(requests, this.callContext(), firstStored);
  }

  /** What is stored of a block, with no call (what a table's size is); only for a scope the caller may read. */
  async stored<Row>(call: ListCall<Row>): Promise<CachedBlock<Row> | undefined> {
    return this.options.blocks.stored(this.requestFor(call));
  }

  async keepVersion<Row>(
    table: ListCall<Row>,
    version: Pick<Snapshot<Row>, 'tag' | 'rows' | 'fetchedAt'>,
  ): Promise<void> {
    return this.options.blocks.versions.keep(this.requestFor(table), version);
  }

  async keptVersion<Row>(table: ListCall<Row>, tag: string): Promise<CachedBlock<Row> | undefined> {
    return this.options.blocks.versions.kept(this.requestFor(table), tag);
  }

  /**
   * Lists the caller's answer showed (the servers of its rows), handed to be fetched ahead with
   * calls the budget has spare: only where the service identity reads for the caller (an IAM
   * token's own quota is its user's to spend, and a GET any page could send spends nothing).
   */
  ahead<Row>(shown: readonly { call: ListCall<Row>; rank: number }[]): void {
    const { caller, blocks } = this.options;
    if (caller instanceof HssError || !caller.mayCall || caller.principal.kind === 'iam-token') return;
    const lists: { request: BlockRequest<unknown>; rank: number }[] = [];
    for (const { call, rank } of shown) {
      if (caller.access(call.projectId, enterpriseProjectOf(call.parameters)) instanceof HssError) continue;
      lists.push({ request: this.requestFor(call), rank });
    }
    if (lists.length > 0) blocks.fetchAhead?.viewed(lists);
  }

  private async loadBlock(call: ListCall<unknown>): Promise<FetchedBlock<unknown>> {
    const request = this.requestFor(call);
    this.ask([call]);
    const block = await this.options.blocks.block(request, this.callContext());
    recordServed(this.options.operation, block, 1);
    return block;
  }

  /** The upstream request for a call, as the caller may make it: refused by its access, else this. */
  private requestFor<Row>(call: ListCall<Row>): BlockRequest<Row> {
    const { caller } = this.options;
    if (caller instanceof HssError) throw caller;
    const enterpriseProjectId = enterpriseProjectOf(call.parameters);
    const access = caller.access(call.projectId, enterpriseProjectId);
    if (access instanceof HssError) throw access;
    // One literal of one shape (not a spread of the call): a request makes a dozen of these.
    return {
      api: call.api,
      projectId: call.projectId,
      parameters: call.parameters,
      credentials: caller.credentials,
      identity: this.identity,
      reader: readerFor(this.identity, enterpriseProjectId),
      principal: caller.principal.id,
      mustProve: access === 'proof',
      callersOwn: caller.principal.kind === 'iam-token',
    };
  }

  /** Counts the blocks asked for, each distinct one once, against MAX_OPERATION_COST. */
  private ask(calls: readonly ListCall<unknown>[]): void {
    const { operation, maxBlocks } = this.options;
    for (const call of calls) this.asked.add(this.keyOf(call));
    operation.blocksAsked = this.asked.size;
    if (this.asked.size > maxBlocks) throw new CostLimitError(maxBlocks);
  }

  private keyOf(call: ListCall<unknown>): string {
    return canonicalBlockKey(this.identity, call.api.name, call.projectId, call.parameters);
  }

  /** The request's side of a call: its logger, deadline, cancellation, trace, and its ledger's count. */
  private callContext(): CallContext {
    const { operation, logger, cancellation, deadlineAt, caller } = this.options;
    const call: CallContext = {
      logger,
      operationName: operation.name,
      // Every call made for this request, those HSS refused included (extensions.cost).
      onUpstreamCall: () => {
        operation.upstreamCalls++;
      },
      mayCall: caller instanceof HssError ? false : caller.mayCall,
    };
    if (operation.traceContext) call.traceContext = operation.traceContext;
    if (cancellation) call.cancellation = cancellation;
    if (deadlineAt !== undefined) call.deadlineAt = deadlineAt;
    return call;
  }
}
