/**
 * Whether the client a request waits for HSS on behalf of has gone away: read from yoga's
 * AbortSignal, or straight from the HTTP response, which costs no AbortController per request.
 */
import type { ServerResponse } from 'node:http';

export interface Cancellation {
  readonly aborted: boolean;
  /** Calls `listener` once, if the client goes away; the function returned stops listening. */
  onAbort(listener: () => void): () => void;
}

export function signalCancellation(signal: AbortSignal): Cancellation {
  return {
    get aborted() {
      return signal.aborted;
    },
    onAbort(listener) {
      signal.addEventListener('abort', listener, { once: true });
      return () => signal.removeEventListener('abort', listener);
    },
  };
}

/** The client went away: the response closed before it was written whole. */
export function responseCancellation(res: ServerResponse): Cancellation {
  return {
    get aborted() {
      return res.destroyed && !res.writableFinished;
    },
    onAbort(listener) {
      const onClose = () => {
        if (!res.writableFinished) listener();
      };
      res.once('close', onClose);
      return () => res.off('close', onClose);
    },
  };
}
