/**
 * A Relay connection over HSS's record offsets, for any list: the rows a window holds (read by
 * src/rows/), as edges with offset cursors and a truthful pageInfo. A pure function: what to read
 * was decided below it, once.
 */
import type { RowsRead } from '../model/rows.js';
import { offsetToCursor } from './cursor.js';

interface EdgeShape<Node> {
  readonly cursor: string;
  node: Node;
}

export interface ConnectionShape<Node> {
  totalCount: number;
  /** When HSS answered the oldest data in this connection. */
  fetchedAt: Date;
  /** Whether any of it is older than the cache's time-to-live. */
  stale: boolean;
  edges: EdgeShape<Node>[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
}

/**
 * An edge whose cursor is made when asked for: a `nodes`-only selection of 1,000 rows asks for
 * none, and a cursor costs a base64 encoding.
 */
class Edge<Node> implements EdgeShape<Node> {
  constructor(
    private readonly position: number,
    readonly node: Node,
    /** The snapshot the row was cut from, if any: the cursor names it. */
    private readonly tag: string | undefined,
  ) {}

  get cursor(): string {
    return offsetToCursor(this.position, this.tag);
  }
}

/**
 * The connection of the rows read; `toNode` makes each row a node. A row that could not be read
 * has no edge, but keeps its position: the cursors after it stay true.
 */
export function connectionOf<Row, Node>(
  read: RowsRead<Row>,
  toNode: (row: Row) => Node,
): ConnectionShape<Node> {
  const edges: EdgeShape<Node>[] = [];
  read.rows.forEach((row, index) => {
    if (row !== null) edges.push(new Edge(read.start + index, toNode(row), read.tag));
  });
  return {
    totalCount: read.totalCount,
    fetchedAt: new Date(read.fetchedAt),
    stale: read.stale,
    edges,
    pageInfo: {
      hasNextPage: read.start + read.rows.length < read.totalCount,
      hasPreviousPage: read.start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
