/**
 * An operation's price in upstream calls, before it runs: the sum of its fields' `complexity` (see
 * the schema's fields), computed by Pothos's complexity plugin for the executed operation and its
 * variables. Fields a plugin adds to a document (`__typename`) are free.
 */
import { PothosError } from '@pothos/core';
import { complexityFromQuery } from '@pothos/plugin-complexity';
import { type DocumentNode, GraphQLError, type GraphQLSchema, getOperationAST, Kind, visit } from 'graphql';

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

// Per parsed document (yoga keeps those, bounded in bytes: when one goes, so does this) and
// operation name; a document asked with ever new operation names starts over past this.
const MAX_NAMES_PER_DOCUMENT = 8;
const stripped = new WeakMap<DocumentNode, Map<string, DocumentNode>>();

/** The executed operation, stripped once per document: every request of it would walk it again. */
function executedOperation(document: DocumentNode, operationName: string | null | undefined): DocumentNode {
  let byName = stripped.get(document);
  if (!byName) {
    byName = new Map();
    stripped.set(document, byName);
  }
  const key = operationName ?? '';
  let operation = byName.get(key);
  if (!operation) {
    operation = strippedOperation(document, operationName);
    if (byName.size >= MAX_NAMES_PER_DOCUMENT) byName.clear();
    byName.set(key, operation);
  }
  return operation;
}

/**
 * The price, or undefined when the variables do not coerce: execution then refuses them with the
 * contract's BAD_USER_INPUT before any field runs, so nothing needs pricing.
 */
export function priceOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>> | null | undefined,
  context: object,
): number | undefined {
  try {
    return complexityFromQuery(executedOperation(document, operationName), {
      schema,
      variables: variables ?? {},
      ctx: context,
    }).complexity;
  } catch (error) {
    if (error instanceof GraphQLError && !(error instanceof PothosError)) return undefined;
    throw error;
  }
}
