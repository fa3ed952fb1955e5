/**
 * One request's loads of blocks and tables, each distinct one once (a DataLoader keyed by the
 * canonical upstream request): the same query asked twice in one operation (aliases, fragments, a
 * list and a node lookup) is one load; across requests, the block source's cache and coalescing take
 * over. Each load is made as the caller may make it: refused by its access before anything, or
 * reading its scope's shared blocks (proving the scope first where its access is by proof), or its
 * own where HSS answers each caller differently (`all_granted_eps`). What each served is recorded in
 * the operation's ledger.
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
import { canonicalBlockKey } from '../quota/block-key.js';
import { type BlockRequest, type CallContext, SHARED_READER } from '../quota/block-request.js';
import type { UpstreamBlocks } from '../quota/block-source.js';
import type { Cancellation } from '../quota/cancellation.js';
import { enterpriseProjectOf } from '../quota/entitlements.js';
import type { HssListApi } from '../upstream/hss-apis.js';
import { readTable, type Snapshot } from './tables.js';

/** What is loaded: one block, or a list's whole table (its query has no paging). */
interface LoadKey {
  kind: 'block' | 'table';
  api: HssListApi<unknown>;
  projectId: string;
  /** In canonical order (see upstream/query-string.ts). */
  parameters: [string, string][];
  /** A table's version to read while it is kept (a cursor's). */
  tag?: string;
}

type Loaded = FetchedBlock<unknown> | { snapshot: Snapshot<unknown> | undefined };

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
  /** The most blocks a snapshot may take (SNAPSHOT_MAX_PAGES). */
  maxTableBlocks: number;
}

/** Whose blocks the caller reads in a scope: shared, or its own credentials' (`all_granted_eps`). */
export const readerFor = (identity: string, enterpriseProjectId: string | undefined) =>
  isAllGrantedEps(enterpriseProjectId) ? identity : SHARED_READER;

/** The upstream request for a key, as the caller may make it (refused by its access, else this). */
function requestFor(caller: Caller, identity: string, key: LoadKey): BlockRequest<unknown> {
  const enterpriseProjectId = enterpriseProjectOf(key.parameters);
  const access = caller.access(key.projectId, enterpriseProjectId);
  if (access instanceof HssError) throw access;
  return {
    api: key.api,
    projectId: key.projectId,
    parameters: key.parameters,
    credentials: caller.credentials,
    identity,
    reader: readerFor(identity, enterpriseProjectId),
    principal: caller.principal.id,
    mustProve: access === 'proof',
  };
}

/** What a row source loads for one request: blocks, and tables whole (rows/tables.ts). */
export interface RowLoads {
  /** One block of a list. */
  block<Row>(
    api: HssListApi<Row>,
    projectId: string,
    parameters: [string, string][],
  ): Promise<FetchedBlock<Row>>;
  /** The table of a list call's query as a snapshot; undefined when it is too large for one. */
  table<Row>(
    api: HssListApi<Row>,
    projectId: string,
    parameters: [string, string][],
    tag?: string,
  ): Promise<Snapshot<Row> | undefined>;
}

export class RequestLoader implements RowLoads {
  private readonly loader: DataLoader<LoadKey, Loaded, string>;

  constructor(private readonly options: RequestLoaderOptions) {
    const { caller } = options;
    const identity = caller instanceof HssError ? 'none' : identityOf(caller.credentials);
    this.loader = new DataLoader<LoadKey, Loaded, string>(
      // HSS has no batch call: each distinct key is one concurrent load.
      (keys) =>
        Promise.all(
          keys.map((key) =>
            this.loadOne(key, identity).catch((error: unknown) =>
              error instanceof Error ? error : new Error(String(error)),
            ),
          ),
        ),
      {
        cacheKeyFn: (key) =>
          `${key.kind} ${key.tag ?? ''} ${canonicalBlockKey(identity, key.api.name, key.projectId, key.parameters)}`,
      },
    );
  }

  /** One block of a list. */
  block<Row>(
    api: HssListApi<Row>,
    projectId: string,
    parameters: [string, string][],
  ): Promise<FetchedBlock<Row>> {
    return this.loader.load({ kind: 'block', api, projectId, parameters }) as Promise<FetchedBlock<Row>>;
  }

  /** The table of a list call's query as a snapshot; undefined when it is too large for one. */
  async table<Row>(
    api: HssListApi<Row>,
    projectId: string,
    parameters: [string, string][],
    tag?: string,
  ): Promise<Snapshot<Row> | undefined> {
    const key: LoadKey = { kind: 'table', api, projectId, parameters };
    if (tag !== undefined) key.tag = tag;
    const loaded = (await this.loader.load(key)) as { snapshot: Snapshot<Row> | undefined };
    return loaded.snapshot;
  }

  private async loadOne(key: LoadKey, identity: string): Promise<Loaded> {
    const { caller, operation, maxBlocks, blocks } = this.options;
    if (caller instanceof HssError) throw caller;
    if (++operation.blocksAsked > maxBlocks) throw new CostLimitError(maxBlocks);
    const request = requestFor(caller, identity, key);
    const call = this.callOf(caller);
    if (key.kind === 'block') {
      const block = await blocks.block(request, call);
      recordServed(operation, block, 1);
      return block;
    }
    const snapshot = await readTable(
      {
        blocks: (requests, firstStored) => blocks.blocks(requests, call, firstStored),
        stored: (block) => blocks.stored(block),
        keep: (versionKey, entry) => blocks.keep(versionKey, entry),
        kept: (versionKey) => blocks.kept(versionKey, request.api.name),
      },
      request,
      this.options.maxTableBlocks,
      key.tag,
    );
    if (snapshot) {
      // Its further blocks count towards the operation's limit once it has them.
      operation.blocksAsked += snapshot.blocks - 1;
      recordServed(operation, snapshot, snapshot.blocks);
    }
    return { snapshot };
  }

  /** The request's side of a call: its logger, deadline, cancellation, trace, and its ledger's count. */
  private callOf(caller: Caller): CallContext {
    const { operation, logger, cancellation, deadlineAt } = this.options;
    const call: CallContext = {
      logger,
      operationName: operation.name,
      // Every call made for this request, those HSS refused included (extensions.cost).
      onUpstreamCall: () => {
        operation.upstreamCalls++;
      },
      mayCall: caller.mayCall,
    };
    if (operation.traceContext) call.traceContext = operation.traceContext;
    if (cancellation) call.cancellation = cancellation;
    if (deadlineAt !== undefined) call.deadlineAt = deadlineAt;
    return call;
  }
}
