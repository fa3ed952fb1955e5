/**
 * The gateway's plugins folded, so a request pays one hook per phase, not one per plugin: yoga and
 * envelop make a payload object with its closures and a step of their promise helpers for every
 * hook of every plugin (16 plugins, 30 hooks a request). A run of plugins that use only the hooks
 * below becomes one plugin whose hooks call theirs in order, with the same payloads' meaning: a
 * part that ends the response or stops execution stops the parts after it, a part that replaces a
 * value (request, params, result, response) is seen by the parts after it, a part that returns a
 * promise is waited for before the next. A plugin with any other hook (a library's `onValidate`,
 * `onPluginInit` ...) is left as it is, between two runs, so the order of every hook is unchanged.
 */
import type { Plugin } from 'graphql-yoga';
import { foldStart, type Hook, inOrder, never } from './fold-steps.js';

// biome-ignore lint/suspicious/noExplicitAny: the fold is over every plugin's context type.
type AnyPlugin = Plugin<any, any, any>;

const FOLDED_HOOKS = [
  'onRequest',
  'onParams',
  'onExecute',
  'onSubscribe',
  'onResultProcess',
  'onResponse',
] as const;

function hooksOf(parts: AnyPlugin[], name: (typeof FOLDED_HOOKS)[number]): Hook[] {
  return parts.flatMap((part) => (part[name] ? [(part[name] as Hook).bind(part)] : []));
}

/** One plugin doing what the parts did, in their order. */
export function foldPlugins(parts: AnyPlugin[]): AnyPlugin {
  const folded: AnyPlugin = {};
  const onRequest = hooksOf(parts, 'onRequest');
  if (onRequest.length > 0) {
    folded.onRequest = (payload) => {
      let ended = false;
      let url: URL | undefined;
      const view: typeof payload = {
        ...payload,
        // yoga's `url` is a proxy that parses the URL on every read until it is replaced: parsed
        // here once for all the parts.
        get url(): URL {
          url ??= new payload.fetchAPI.URL(view.request.url, 'http://localhost');
          return url;
        },
        setRequest(request: Request) {
          view.request = request;
          url = undefined;
          payload.setRequest(request);
        },
        endResponse(response: Response) {
          payload.endResponse(response);
          if (response) ended = true;
        },
      };
      return inOrder(onRequest, view, () => ended);
    };
  }
  const onParams = hooksOf(parts, 'onParams');
  if (onParams.length > 0) {
    folded.onParams = (payload) => {
      const view = {
        ...payload,
        setParams(params: typeof payload.params) {
          view.params = params;
          payload.setParams(params);
        },
      };
      return inOrder(onParams, view, never);
    };
  }
  const onExecute = hooksOf(parts, 'onExecute');
  if (onExecute.length > 0) {
    folded.onExecute = (payload) => foldStart(onExecute, payload, 'executeFn', 'onExecuteDone') as never;
  }
  const onSubscribe = hooksOf(parts, 'onSubscribe');
  if (onSubscribe.length > 0) {
    // envelop calls a subscription's result hooks without waiting: so do the folded parts.
    folded.onSubscribe = (payload) =>
      foldStart(onSubscribe, payload, 'subscribeFn', 'onSubscribeResult') as never;
  }
  const onResultProcess = hooksOf(parts, 'onResultProcess');
  if (onResultProcess.length > 0) {
    folded.onResultProcess = (payload) => {
      const view = {
        ...payload,
        setResult(result: typeof payload.result) {
          view.result = result;
          payload.setResult(result);
        },
        setResultProcessor(processor: typeof payload.resultProcessor, mediaType: string) {
          view.resultProcessor = processor;
          payload.setResultProcessor(processor as never, mediaType);
        },
      };
      return inOrder(onResultProcess, view, never);
    };
  }
  const onResponse = hooksOf(parts, 'onResponse');
  if (onResponse.length > 0) {
    folded.onResponse = (payload) => {
      const view = {
        ...payload,
        setResponse(response: Response) {
          view.response = response;
          payload.setResponse(response);
        },
      };
      return inOrder(onResponse, view, never);
    };
  }
  return folded;
}

/** Whether a plugin has only hooks the fold knows. */
export function isFoldable(plugin: AnyPlugin): boolean {
  return Object.keys(plugin).every((key) => (FOLDED_HOOKS as readonly string[]).includes(key));
}

/**
 * The plugins with every run of foldable ones folded into one; the others (a library's with hooks
 * of other phases) stay where they were.
 */
export function foldRuns(plugins: AnyPlugin[]): AnyPlugin[] {
  const out: AnyPlugin[] = [];
  let run: AnyPlugin[] = [];
  const flush = () => {
    if (run.length === 1) out.push(run[0] as AnyPlugin);
    else if (run.length > 1) out.push(foldPlugins(run));
    run = [];
  };
  for (const plugin of plugins) {
    if (isFoldable(plugin)) run.push(plugin);
    else {
      flush();
      out.push(plugin);
    }
  }
  flush();
  return out;
}
