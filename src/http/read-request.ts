/**
 * A GraphQL POST as the HTTP handler reads it before yoga or the response cache see it: who asks
 * (authenticated once), its id, the caller's address, and the key of its answer.
 */
import type { IncomingMessage } from 'node:http';
import type { RequestFacts } from '../auth/authenticate.js';
import type { Caller } from '../auth/principal.js';
import { nodeHeaderReader } from '../credentials/caller-credentials.js';
import { identityOf } from '../credentials/credentials.js';
import { HssError } from '../errors/hss-error.js';
import type { EdgeFacts } from '../request/edge-contract.js';
import { requestIdFor } from '../request/request-id.js';
import type { ClientAddressOf } from './client-address.js';
import { answerKeyOf } from './response-cache.js';

export interface ReadRequest {
  body: Buffer<ArrayBuffer>;
  edge: EdgeFacts;
  clientAddress: string;
  identity: string | undefined;
  /**
   * The key of its answer (response-cache.ts): whose answers the caller may be given, and every
   * byte that decides it; undefined when the caller could not be authenticated (the answer is an
   * error, shared with nobody).
   */
  answerKey: string | undefined;
}

export interface RequestReader {
  authenticate(request: RequestFacts): Promise<Caller | HssError>;
  clientAddressOf: ClientAddressOf;
}

export async function readRequest(
  req: IncomingMessage,
  body: Buffer<ArrayBuffer>,
  reader: RequestReader,
): Promise<ReadRequest> {
  const given = req.headers['x-request-id'];
  const clientAddress = reader.clientAddressOf(req);
  const caller = await reader.authenticate({
    header: nodeHeaderReader(req.headers),
    method: 'POST',
    clientAddress,
  });
  const identity = caller instanceof HssError ? undefined : identityOf(caller.credentials);
  const { origin, accept } = req.headers;
  return {
    body,
    edge: { caller, requestId: requestIdFor(typeof given === 'string' ? given : undefined) },
    clientAddress,
    identity,
    answerKey: caller instanceof HssError ? undefined : answerKeyOf(caller.answers, { body, origin, accept }),
  };
}
