/** Whether the client a request waits for HSS on behalf of has gone away: read from yoga's AbortSignal. */

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
