/**
 * Operation names as metric labels, bounded: every label value is a set of time series Prometheus
 * keeps, and an operation name is whatever a client writes. Names known in advance are kept (the
 * trusted documents' and those METRICS_OPERATION_NAMES lists); any other name is `other`. A fixed
 * list rather than "the first N seen": whoever called first after a restart would pick the labels.
 */
import { readFileSync } from 'node:fs';
import { Kind, parse } from 'graphql';

export class OperationLabels {
  private readonly known: ReadonlySet<string>;

  constructor(known: Iterable<string>) {
    this.known = new Set(known);
  }

  /** The label for an operation name (`Anonymous` for none). */
  of(name: string | null | undefined): string {
    if (!name) return 'Anonymous';
    return this.known.has(name) ? name : 'other';
  }
}

/** The operation names of a trusted-documents manifest (`hash -> document`). */
export function operationNamesOf(manifestFile: string): string[] {
  let manifest: Record<string, string>;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, string>;
  } catch {
    return [];
  }
  return Object.values(manifest).flatMap((document) =>
    parse(document).definitions.flatMap((definition) =>
      definition.kind === Kind.OPERATION_DEFINITION && definition.name ? [definition.name.value] : [],
    ),
  );
}
