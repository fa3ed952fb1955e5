/**
 * What the block source is asked for: an upstream request (which list call, with which
 * credentials, for which project and parameters, read by whom), and the request it is made for.
 */
import type { Context as OtelContext } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { Credentials } from '../credentials/credentials.js';
import type { HssListApi } from '../upstream/hss-apis.js';
import type { Cancellation } from './cancellation.js';

export interface BlockRequest<Row> {
  /** Which list call. */
  api: HssListApi<Row>;
  /** What HSS is called with. */
  credentials: Credentials;
  /** The credentials' identity (credentialIdentity), computed once per request. */
  identity: string;
  /**
   * Whose data the block is: what its cache key begins with. `shared` for a scope HSS answers
   * alike to everyone it lets read it (a project and an enterprise project), read by every
   * principal entitled to it; the credentials' identity where HSS's answer depends on who asks
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
  /**
   * The caller's own credentials (an IAM token), not the service identity's, whose calls serve
   * every caller: a 429 pauses those credentials alone at first (upstream-pause.ts).
   */
  callersOwn?: boolean;
  projectId: string;
  /** Its query parameters, in canonical order (a block's include `limit` and `offset`). */
  parameters: [string, string][];
}

/** The reader of blocks anyone entitled to their scope reads alike. */
export const SHARED_READER = 'shared';

export interface CallContext {
  logger: Logger;
  operationName: string | null;
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

/** A request's call context for work it starts but others may share: no cancellation, no deadline. */
export function sharedCallOf(call: CallContext): CallContext {
  const { cancellation: _ownCancellation, deadlineAt: _ownDeadline, ...shared } = call;
  return shared;
}
