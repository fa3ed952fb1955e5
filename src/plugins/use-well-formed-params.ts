/**
 * Refuses, before parsing, GraphQL parameters no operation could mean: strings that are not
 * well-formed Unicode (a lone surrogate cannot be percent-encoded into an upstream URL, nor printed
 * in a log), and variables nested deeper than any input type of this schema goes. Each is a 400
 * BAD_REQUEST that names the problem.
 */
import type { Plugin } from 'graphql-yoga';
import { refusalError } from '../errors/refusals.js';

/** Deepest nesting of objects and lists in variables and extensions. */
const MAX_VARIABLES_DEPTH = 32;

/** The parameters this checks; yoga's and the HTTP handler's alike. */
interface Params {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
  extensions?: unknown;
}

function refuse(message: string): never {
  throw refusalError(400, 'BAD_REQUEST', message);
}

/** Walks a JSON value without recursion, checking depth and strings. */
function check(name: string, value: unknown): void {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (typeof current === 'string') {
      if (!current.isWellFormed())
        refuse(`${name} holds a string that is not well-formed Unicode (a lone surrogate).`);
    } else if (typeof current === 'object' && current !== null) {
      if (depth >= MAX_VARIABLES_DEPTH)
        refuse(`${name} nest deeper than ${MAX_VARIABLES_DEPTH} levels; no argument of this API does.`);
      if (Array.isArray(current)) {
        for (const item of current) stack.push([item, depth + 1]);
      } else {
        for (const [key, item] of Object.entries(current)) {
          if (!key.isWellFormed())
            refuse(`${name} holds a key that is not well-formed Unicode (a lone surrogate).`);
          stack.push([item, depth + 1]);
        }
      }
    }
  }
}

/** Throws the 400 BAD_REQUEST for parameters no operation could mean. */
function checkWellFormedParams(params: Params): void {
  if (typeof params.query === 'string' && !params.query.isWellFormed()) {
    refuse('The query is not well-formed Unicode (a lone surrogate).');
  }
  if (typeof params.operationName === 'string' && !params.operationName.isWellFormed()) {
    refuse('The operation name is not well-formed Unicode (a lone surrogate).');
  }
  if (params.variables) check('The variables', params.variables);
  if (params.extensions) check('The extensions', params.extensions);
}

export function useWellFormedParams(): Plugin {
  return {
    onParams({ params }) {
      checkWellFormedParams(params);
    },
  };
}
