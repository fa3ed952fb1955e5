/**
 * Writes an emulator answer to the socket, faithfully or with a delivery fault: a reset connection,
 * a truncated body, a non-JSON page, a body that drips in slowly.
 */
import type { ServerResponse } from 'node:http';
import type { FaultKind } from './faults.js';

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export function huaweiError(status: number, errorCode: string, errorMsg: string, requestId: string): Answer {
  return { status, headers: {}, body: { error_code: errorCode, error_msg: errorMsg, request_id: requestId } };
}

// What Huawei's API gateway answers for each injected status.
const STATUS_FAULTS: Record<string, [number, string, string]> = {
  'status-429': [429, 'APIGW.0308', 'The throttling threshold has been reached'],
  'status-429-retry-after': [429, 'APIGW.0308', 'The throttling threshold has been reached'],
  'status-500': [500, 'HSS.1001', 'System error'],
  'status-502': [502, 'APIGW.0201', 'Backend unavailable'],
  'status-503': [503, 'APIGW.0201', 'Backend unavailable'],
  'status-504': [504, 'APIGW.0201', 'Backend timeout'],
};

/** The error answer a `status-*` fault stands for. */
export function faultAnswer(fault: FaultKind, requestId: string, retryAfterSeconds: number): Answer {
  const [status, code, message] = STATUS_FAULTS[fault] ?? [500, 'HSS.1001', 'System error'];
  const answer = huaweiError(status, code, message, requestId);
  if (fault === 'status-429-retry-after') answer.headers['Retry-After'] = String(retryAfterSeconds);
  return answer;
}

export function deliver(
  res: ServerResponse,
  answer: Answer,
  fault: FaultKind | undefined,
  dripChunkDelayMs: number,
): void {
  if (fault === 'reset') {
    res.socket?.destroy();
    return;
  }
  if (fault === 'non-json') {
    const page = '<html><body><h1>502 Bad Gateway</h1></body></html>';
    res.writeHead(200, {
      ...answer.headers,
      'Content-Type': 'text/html',
      'Content-Length': Buffer.byteLength(page),
    });
    res.end(page);
    return;
  }
  // A 204 (IAM's revocation) has no body.
  const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    'Content-Type': 'application/json;charset=UTF-8',
    'Content-Length': Buffer.byteLength(text),
    ...answer.headers,
  });
  if (fault === 'truncated') {
    // Half the promised bytes, then the connection goes away.
    res.write(text.slice(0, Math.floor(text.length / 2)), () => res.socket?.destroy());
    return;
  }
  if (fault === 'slow-drip') {
    const chunks = text.match(/[\s\S]{1,64}/g) ?? [];
    const drip = (i: number) => {
      if (res.destroyed) return;
      if (i >= chunks.length) {
        res.end();
        return;
      }
      res.write(chunks[i]);
      setTimeout(() => drip(i + 1), dripChunkDelayMs).unref();
    };
    drip(0);
    return;
  }
  res.end(text);
}
