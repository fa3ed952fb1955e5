/**
 * What the page source is asked for and answers with: an upstream request (which list call, with
 * which credentials, for which project and parameters), the request it is made for, and a page
 * with how fresh it is and where it came from.
 */
import type { Context as OtelContext } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { Credentials } from '../credentials/credentials.js';
import type { PortStatisticData, UpstreamBlock } from '../model/port-statistic.js';
import type { HssListApi } from '../upstream/hss-apis.js';
import type { Cancellation } from './cancellation.js';

/** A page and how fresh it is. */
export interface FetchedBlock<Row = PortStatisticData> extends UpstreamBlock<Row> {
  /** When HSS answered it, epoch milliseconds. */
  fetchedAt: number;
  /** True when it is older than the cache's time-to-live. */
  stale: boolean;
  /**
   * Where it came from: the cache, a call this load made, or a call another request had already
   * made and this one joined (coalescing).
   */
  source: 'cache' | 'call' | 'shared';
  /** Set when the rows were cut from a snapshot: its tag (see snapshot.ts), for cursors. */
  tag?: string;
}

/** A list's whole table: every row, in the order HSS lists them, and a tag naming its content. */
export interface FetchedSnapshot<Row = PortStatisticData> extends FetchedBlock<Row> {
  /** Names the content: the same rows in the same order, the same tag. */
  tag: string;
  /** Upstream pages it was fetched in: what it saved every request it serves. */
  pages: number;
}

export interface BlockRequest<Row = PortStatisticData> {
  /** Which list call. */
  api: HssListApi<Row>;
  /** What HSS is called with. */
  credentials: Credentials;
  /** The credentials' identity (credentialIdentity), computed once per request. */
  identity: string;
  /**
   * Whose data the page is: what its cache key begins with. `shared` for a scope HSS answers alike
   * to everyone it lets read it (a project and an enterprise project), read by every principal
   * entitled to it; the credentials' identity where HSS's answer depends on who asks
   * (`all_granted_eps`: each caller's own enterprise projects).
   */
  reader: string;
  /** On whose behalf it is asked: fair shares of the address budget are per principal. */
  principal: string;
  /**
   * The caller reads shared data only once HSS has answered a call of its own credentials for the
   * scope lately (entitlements.ts); false where the access policy grants the scope.
   */
  mustProve: boolean;
  projectId: string;
  /** Its query parameters, in canonical order. */
  parameters: [string, string][];
}

/** The reader of pages anyone entitled to their scope reads alike. */
export const SHARED_READER = 'shared';

export interface CallContext {
  logger: Logger;
  operationName: string | null;
  /** Who asks, by address: what tokens HSS has not accepted yet are rationed by. */
  clientAddress?: string;
  /** The GraphQL request's cancellation (the client went away): it stops waiting, the shared call goes on. */
  cancellation?: Cancellation;
  /** The GraphQL request's deadline, epoch milliseconds: it stops waiting then. */
  deadlineAt?: number;
  /** The operation's trace context: upstream call spans become its children. */
  traceContext?: OtelContext;
  /** Told of every upstream call made for this request: each attempt, those HSS refused included. */
  onUpstreamCall?: () => void;
  /**
   * False: the request may not spend HSS's quota (a GET any web page could have made a browser
   * send), and is answered from what is stored, whatever its age, or refused.
   */
  mayCall?: boolean;
}
