/**
 * What the page source is asked for and answers with: an upstream request (which list call, with
 * which credentials, for which project and parameters), the request it is made for, and a page
 * with how fresh it is and where it came from.
 */
import type { Context as OtelContext } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { Credentials } from '../credentials/credentials.js';
import type { PortStatisticData, UpstreamPage } from '../model/port-statistic.js';
import type { HssListApi } from '../upstream/hss-apis.js';
import type { Cancellation } from './cancellation.js';

/** A page and how fresh it is. */
export interface FetchedPage<Row = PortStatisticData> extends UpstreamPage<Row> {
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
export interface FetchedSnapshot<Row = PortStatisticData> extends FetchedPage<Row> {
  /** Names the content: the same rows in the same order, the same tag. */
  tag: string;
  /** Upstream pages it was fetched in: what it saved every request it serves. */
  pages: number;
}

export interface PageRequest<Row = PortStatisticData> {
  /** Which list call. */
  api: HssListApi<Row>;
  credentials: Credentials;
  /** The credentials' identity (credentialIdentity), computed once per request. */
  identity: string;
  projectId: string;
  /** Its query parameters, in canonical order. */
  parameters: [string, string][];
}

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
}
