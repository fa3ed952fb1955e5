/**
 * Reads what Huawei answers with: JSON that may not be JSON, and error bodies in the three shapes
 * the vendor's SDKs accept (gateways in front of HSS answer errors in their own).
 */

/** The parts of a Huawei error body the gateway uses. */
export interface HuaweiErrorBody {
  errorCode?: string;
  errorMsg?: string;
  requestId?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(record: Record<string, unknown>, name: string): string | undefined {
  const value = record[name];
  return typeof value === 'string' && value !== ''
    ? value
    : typeof value === 'number'
      ? String(value)
      : undefined;
}

/** Parses JSON, or answers undefined for a body that is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The error code, message and request id of an error body in any of the three shapes the SDKs
 * accept: `{error_code, error_msg}`, `{code, message}` and `{error: {code, message}}`.
 */
export function readErrorBody(body: unknown): HuaweiErrorBody {
  if (!isRecord(body)) return {};
  const nested = isRecord(body.error) ? body.error : undefined;
  const source = nested ?? body;
  const read: HuaweiErrorBody = {};
  const errorCode = stringField(source, 'error_code') ?? stringField(source, 'code');
  const errorMsg = stringField(source, 'error_msg') ?? stringField(source, 'message');
  const requestId = stringField(body, 'request_id') ?? (nested && stringField(nested, 'request_id'));
  if (errorCode !== undefined) read.errorCode = errorCode;
  if (errorMsg !== undefined) read.errorMsg = errorMsg;
  if (requestId !== undefined) read.requestId = requestId;
  return read;
}
