/**
 * Operation names as metric labels, bounded: every label value is a set of time series Prometheus
 * keeps, and an operation name is whatever a client writes. Names known in advance are kept (the
 * trusted documents' and those METRICS_OPERATION_NAMES lists); any other name is `other`. A fixed
 * list rather than "the first N seen": whoever called first after a restart would pick the labels.
 */

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
