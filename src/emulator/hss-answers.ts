/**
 * What the emulated HSS answers a call of its APIs: the route, then authentication, then flow
 * control, then the parameters, as HSS checks them; and the fault to deliver it with, if one is set.
 */
import type { IncomingMessage } from 'node:http';
import type { EmulatedCallers } from './callers.js';
import { type Answer, faultAnswer, huaweiError } from './deliver.js';
import type { FaultInjector, FaultKind } from './faults.js';
import { parsePortHostQuery } from './port-host-query.js';
import type { PortHostDirectory } from './port-hosts.js';
import { parsePortStatisticsQuery } from './query.js';
import type { PortStatisticsDataset } from './select.js';

/** The HSS APIs it serves, by SDK operation name; HSS's flow control counts each one apart. */
export type HssApi = 'ListPortStatistics' | 'ListPortHost';
const ROUTES: ReadonlyArray<readonly [RegExp, HssApi]> = [
  [/^\/v5\/([^/]+)\/asset\/port\/statistics$/, 'ListPortStatistics'],
  [/^\/v5\/([^/]+)\/asset\/ports\/detail$/, 'ListPortHost'],
];
export class HssAnswers {
  constructor(
    private readonly dataset: PortStatisticsDataset,
    private readonly portHosts: PortHostDirectory,
    private readonly faults: FaultInjector,
    private readonly callers: EmulatedCallers,
  ) {}

  /**
   * What HSS would answer: the route, then authentication, then flow control, then the
   * parameters, as HSS checks them; and the fault to deliver it with, if one is set.
   */
  answer(req: IncomingMessage, url: URL, requestId: string): { answer: Answer; fault?: FaultKind } {
    const fail = (status: number, errorCode: string, errorMsg: string) => ({
      answer: huaweiError(status, errorCode, errorMsg, requestId),
    });
    const route = routeOf(url.pathname);
    if (!route || req.method !== 'GET') {
      return fail(404, 'APIGW.0101', 'The API does not exist or has not been published in the environment');
    }
    const caller = this.callers.authenticate(req);
    if ('errorCode' in caller) return fail(401, caller.errorCode, caller.message);
    const retryAfter = this.faults.throttle(caller.credential, req.socket.remoteAddress ?? '', route.api);
    if (retryAfter !== undefined) {
      const throttled = huaweiError(
        429,
        'APIGW.0308',
        'The throttling threshold has been reached: policy user over ratelimit',
        requestId,
      );
      if (this.faults.quotaRetryAfter) throttled.headers['Retry-After'] = String(retryAfter);
      return { answer: throttled };
    }
    const fault = this.faults.pick();
    if (fault?.startsWith('status-'))
      return { answer: faultAnswer(fault, requestId, this.faults.retryAfterSeconds), fault };
    let projectId: string;
    try {
      projectId = decodeURIComponent(route.projectSegment);
    } catch {
      return fail(
        400,
        'HSS.0002',
        'The request could not be parsed: project_id is not valid percent-encoding',
      );
    }
    if (projectId.length > 256) {
      return fail(400, 'HSS.0001', 'Invalid parameter project_id must be 1 to 256 characters long');
    }
    // A project-scoped IAM token reads its project only, and its user's enterprise projects only.
    if (caller.projectId !== undefined && caller.projectId !== projectId) {
      return fail(403, 'HSS.0013', 'Insufficient permissions: the token is not scoped to this project');
    }
    const asked = url.searchParams.get('enterprise_project_id') ?? '0';
    const granted = caller.enterpriseProjects;
    if (granted && asked !== 'all_granted_eps' && !granted.includes(asked)) {
      return fail(403, 'HSS.0013', 'Insufficient permissions for this enterprise project');
    }
    const read = this.read(route.api, projectId, url.searchParams, granted);
    if (!read.ok) return fail(400, 'HSS.0001', read.message);
    const answer = { status: 200, headers: {}, body: read.body };
    return fault ? { answer, fault } : { answer };
  }

  /** The 200 body of `api` for the query string, or why a parameter is refused. */
  private read(
    api: HssApi,
    projectId: string,
    params: URLSearchParams,
    granted: readonly string[] | undefined,
  ): { ok: true; body: unknown } | { ok: false; message: string } {
    if (api === 'ListPortHost') {
      const parsed = parsePortHostQuery(params);
      return parsed.ok ? { ok: true, body: this.portHosts.answer(projectId, parsed.query, granted) } : parsed;
    }
    const parsed = parsePortStatisticsQuery(params);
    return parsed.ok ? { ok: true, body: this.dataset.answer(projectId, parsed.query, granted) } : parsed;
  }
}

/** The HSS API a path names, with its still percent-encoded project id. */
function routeOf(path: string): { api: HssApi; projectSegment: string } | undefined {
  for (const [pattern, api] of ROUTES) {
    const match = pattern.exec(path);
    if (match) return { api, projectSegment: match[1] ?? '' };
  }
  return undefined;
}
