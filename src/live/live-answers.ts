/**
 * A live answer as an async iterator (what a GraphQL subscription's source stream is): read when
 * its client first asks for an event, then again on each tick of its scope, and passed on only when
 * it differs from the last one passed on (a dashboard is sent nothing while its data does not
 * change). A read that fails is passed on as its error (the field is null with it in that event, as
 * a query's would be) and the stream goes on, unless the caller may not read at all (`ends`).
 * `return()` (the client went away) stops listening at once.
 */
import { hash } from 'node:crypto';
import type { ScopeTicks } from './scope-ticks.js';

export interface LiveAnswerOptions<T> {
  ticks: ScopeTicks;
  scope: string;
  /** Reads the answer afresh. */
  read(): Promise<T>;
  /** What makes two answers the same for the client (its rows, not when they were fetched). */
  fingerprint(answer: T): string;
  /** Whether a failed read ends the stream after it is sent (the caller may not read at all). */
  ends(error: Error): boolean;
  /** Who holds the answer, counted against ScopeTicks' most per holder; undefined: not counted. */
  holder?: string;
  /** What a holder with as many open as it may is told, before the stream ends. */
  tooMany(): Error;
}

type Event<T> = T | Error;

export function liveAnswers<T>(options: LiveAnswerOptions<T>): AsyncIterableIterator<Event<T>> {
  const queue: Event<T>[] = [];
  let waiting: ((result: IteratorResult<Event<T>>) => void) | undefined;
  let done = false;
  let reading = false;
  let again = false;
  let last: string | undefined;

  const deliver = (event: Event<T>) => {
    if (done) return;
    if (waiting) {
      const resolve = waiting;
      waiting = undefined;
      resolve({ value: event, done: false });
    } else queue.push(event);
  };

  const read = async () => {
    // One read at a time; a tick during a read reads once more after it.
    if (reading) {
      again = true;
      return;
    }
    if (done || ending) return;
    reading = true;
    try {
      do {
        again = false;
        let event: Event<T>;
        let print: string;
        try {
          event = await options.read();
          print = `answer:${options.fingerprint(event)}`;
        } catch (error) {
          event = error instanceof Error ? error : new Error(String(error));
          print = `error:${(error as { code?: string }).code ?? event.message}`;
        }
        // A digest, not the print: a page of 1,000 rows is about 100 KB a subscriber would hold.
        const seen = hash('sha256', print, 'base64');
        if (seen !== last) {
          last = seen;
          deliver(event);
        }
        if (event instanceof Error && options.ends(event)) {
          ending = true;
          leave();
        }
      } while (again && !done && !ending);
    } finally {
      reading = false;
    }
  };

  let leave: () => void = () => undefined;
  // Set once a failure that ends the stream was queued: it is sent, then the stream is done.
  let ending = false;
  let started = false;
  const finish = (): IteratorResult<Event<T>> => {
    done = true;
    leave();
    queue.length = 0;
    waiting?.({ value: undefined, done: true });
    waiting = undefined;
    return { value: undefined, done: true };
  };
  // Started by the first next(): yoga runs `subscribe` before it knows the client accepts a stream
  // at all (a 406 never asks for an event), and such a stream must not read, or tick, for nobody.
  const start = () => {
    if (started || done) return;
    started = true;
    const joined = options.ticks.join(options.scope, () => void read(), finish, options.holder);
    if (!joined) {
      deliver(options.tooMany());
      ending = true;
      return;
    }
    leave = joined;
    void read();
  };

  return {
    next() {
      start();
      const queued = queue.shift();
      if (queued !== undefined) return Promise.resolve({ value: queued, done: false });
      if (done || ending) return Promise.resolve(finish());
      return new Promise((resolve) => {
        waiting = resolve;
      });
    },
    return() {
      return Promise.resolve(finish());
    },
    throw(error?: unknown) {
      finish();
      return Promise.reject(error);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
