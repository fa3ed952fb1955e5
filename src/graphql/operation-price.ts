/**
 * An operation's price in upstream calls, before it runs: the sum of its fields' `complexity` (see
 * the schema's fields), computed by Pothos's complexity plugin for the executed operation and its
 * variables. Fields a plugin adds to a document (`__typename`) are free.
 */
import { PothosError } from '@pothos/core';
import { complexityFromQuery } from '@pothos/plugin-complexity';
import { type DocumentNode, GraphQLError, type GraphQLSchema, getOperationAST, Kind, visit } from 'graphql';
import { LRUCache } from 'lru-cache';

/**
 * The executed operation and the fragments it may use: what Pothos prices (its first operation),
 * without meta fields (`__typename`, which clients and plugins add everywhere, introspection):
 * they call nothing upstream, but Pothos would price each at 1, times every row of a list.
 */
function strippedOperation(document: DocumentNode, operationName: string | null | undefined): DocumentNode {
  const operation = getOperationAST(document, operationName);
  const priced: DocumentNode = operation
    ? {
        kind: Kind.DOCUMENT,
        definitions: [operation, ...document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION)],
      }
    : document;
  return visit(priced, { Field: (field) => (field.name.value.startsWith('__') ? null : undefined) });
}

/**
 * Arguments no field's price reads: a price counts blocks and rows by paging and ids, never by what
 * a filter or an order selects (test/graphql/operation-price.test.ts holds every priced field to it).
 */
const PRICE_FREE_ARGUMENTS = new Set(['filter', 'orderBy']);

/** The variables a price may depend on: those used anywhere but inside price-free arguments. */
function pricedVariablesOf(operation: DocumentNode): string[] {
  const names = new Set<string>();
  visit(operation, {
    VariableDefinition: () => false,
    Argument: (argument) => (PRICE_FREE_ARGUMENTS.has(argument.name.value) ? false : undefined),
    Variable: (variable) => {
      names.add(variable.name.value);
    },
  });
  return [...names];
}

/** An executed operation as priced: stripped, and the variables its price reads. */
interface Priced {
  /** Names the operation among the kept prices. */
  id: number;
  operation: DocumentNode;
  pricedVariables: string[];
  /** Whether it is kept (an operation the document has): only then are its prices. */
  kept: boolean;
}

// Per parsed document (yoga keeps those, bounded in bytes: when one goes, so does this) and the
// name of an operation it has; a document asked with ever new operation names starts over past this.
const MAX_NAMES_PER_DOCUMENT = 8;
const stripped = new WeakMap<DocumentNode, Map<string, Priced>>();
let operations = 0;

// The prices found, for all operations together: bounded in entries and in the length of a key
// (a request's variables may be as long as its body), so never more than about 2 MB.
const MAX_PRICES = 4096;
const MAX_KEY_LENGTH = 256;
const prices = new LRUCache<string, number>({ max: MAX_PRICES });

/** The executed operation, stripped and read once per document: every request of it would walk it again. */
function executedOperation(document: DocumentNode, operationName: string | null | undefined): Priced {
  let byName = stripped.get(document);
  if (!byName) {
    byName = new Map();
    stripped.set(document, byName);
  }
  const key = operationName ?? '';
  let priced = byName.get(key);
  if (!priced) {
    const operation = strippedOperation(document, operationName);
    // Only for an operation the document has: a name it has not may be anything, of any length.
    const kept = getOperationAST(document, operationName) !== null;
    priced = { id: operations++, operation, pricedVariables: pricedVariablesOf(operation), kept };
    if (kept) {
      if (byName.size >= MAX_NAMES_PER_DOCUMENT) byName.clear();
      byName.set(key, priced);
    }
  }
  return priced;
}

/** Whether the caller sent the variable: `variables.__proto__` is Object's, not the caller's. */
const sent = (variables: Readonly<Record<string, unknown>> | null | undefined, name: string) =>
  variables != null && Object.hasOwn(variables, name) && variables[name] !== undefined;

/**
 * The price, or undefined when the variables do not coerce: execution then refuses them with the
 * contract's BAD_USER_INPUT before any field runs, so nothing needs pricing. A price within
 * `within` is kept for the operation's next request with the same priced variables (a dashboard's
 * filters change, its pages rarely): it would be the same, and pricing costs more than a lookup.
 * One above it is computed every time, so a request whose variables do not coerce still hears of
 * that first.
 */
export function priceOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>> | null | undefined,
  context: object,
  within = Number.POSITIVE_INFINITY,
): number | undefined {
  const { id, operation, pricedVariables, kept } = executedOperation(document, operationName);
  // An absent variable ('') is not a null one (JSON `null`): a default value may stand in for it.
  const values = pricedVariables.map((name) =>
    sent(variables, name) ? JSON.stringify(variables?.[name]) : '',
  );
  const key = `${id}\n${values.join('\n')}`;
  const known = prices.get(key);
  if (known !== undefined) return known;
  let price: number;
  try {
    price = complexityFromQuery(operation, { schema, variables: variables ?? {}, ctx: context }).complexity;
  } catch (error) {
    if (error instanceof GraphQLError && !(error instanceof PothosError)) return undefined;
    throw error;
  }
  if (kept && price <= within && key.length <= MAX_KEY_LENGTH) prices.set(key, price);
  return price;
}
