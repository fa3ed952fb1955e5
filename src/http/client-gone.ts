/**
 * A client's going away, as its request's cancellation, heard from its response's `close` (closed
 * before the answer was written). Not an AbortController: making its signal costs about 10 us, on
 * every request, for the few whose client leaves. One `close` listener whatever the number of
 * waits (a request waits on each block it needs), added when the first one starts.
 */
import type { ServerResponse } from 'node:http';
import type { Cancellation } from '../quota/cancellation.js';

export function responseCancellation(res: ServerResponse): Cancellation {
  let listeners: Set<() => void> | undefined;
  const onClose = () => {
    if (res.writableFinished || !listeners) return;
    const told = [...listeners];
    listeners.clear();
    for (const listener of told) listener();
  };
  return {
    get aborted() {
      return res.destroyed && !res.writableFinished;
    },
    onAbort(listener) {
      if (!listeners) {
        listeners = new Set();
        res.once('close', onClose);
      }
      listeners.add(listener);
      return () => listeners?.delete(listener);
    },
  };
}
