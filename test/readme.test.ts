/**
 * The README's examples are true: every GraphQL block in it, then in docs/examples.md, runs against the embedded demo (the
 * gateway `npm start` serves) and answers exactly the JSON block shown after it. `extensions` is
 * compared for the keys the README shows (the freshness time changes from run to run), and error
 * `locations`, which the README leaves out, are not compared. And every relative link of the
 * README and the documents it links to names a file of the repository.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { useDemoGateway } from './helpers/fixtures.js';
import { type Fence, fencesOf } from './helpers/snippets.js';

interface Example {
  /** Where it is: the page and the line. */
  where: string;
  query: string;
  shown: Record<string, unknown>;
  line: number;
}

/** Each GraphQL block with the JSON block that follows it; a GraphQL block without one fails. */
function examplesOf(page: string, fences: Fence[]): Example[] {
  return fences.flatMap((fence, i) => {
    if (fence.lang !== 'graphql') return [];
    const answer = fences[i + 1];
    if (answer?.lang !== 'json') {
      throw new Error(`${page} line ${fence.line}: a GraphQL example must be followed by its JSON answer`);
    }
    return [
      {
        where: `${page} line ${fence.line}`,
        query: fence.body,
        shown: JSON.parse(answer.body) as Record<string, unknown>,
        line: fence.line,
      },
    ];
  });
}

/** The parts of a real answer the README shows, in the README's shape. */
function comparable(body: Record<string, unknown>, shown: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if ('data' in body) out.data = body.data;
  if (Array.isArray(body.errors)) {
    out.errors = body.errors.map(({ locations: _locations, ...rest }: Record<string, unknown>) => rest);
  }
  const shownExtensions = shown.extensions as Record<string, unknown> | undefined;
  const extensions = body.extensions as Record<string, unknown> | undefined;
  if (shownExtensions) {
    out.extensions = Object.fromEntries(Object.keys(shownExtensions).map((key) => [key, extensions?.[key]]));
  }
  return out;
}

const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
// The README's example, then those it sends readers on to: one demo, in this order.
const examples = ['README.md', 'docs/examples.md'].flatMap((page) =>
  examplesOf(
    page,
    fencesOf(page === 'README.md' ? readme : readFileSync(join(__dirname, '..', page), 'utf8')),
  ),
);

// The embedded demo, as `npm start` serves it, but for fetching ahead: the quota the README shows
// is its examples' own, not what the background spent meanwhile.
const demo = useDemoGateway({ HOSTS_FETCH_AHEAD_ROWS: '0' });

describe("the README's GraphQL examples", () => {
  it('has some', () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
  });

  it.each(examples.map((example) => [example.where, example] as const))(
    'the example at %s answers what it shows',
    async (_line, example) => {
      const answer = await demo.gw.graphql(example.query);
      expect(comparable(answer.body, example.shown)).toEqual(example.shown);
    },
  );
});

describe('the links of the README and docs/', () => {
  const root = join(__dirname, '..');
  const documents = [
    'README.md',
    'CHANGELOG.md',
    'bench/README.md',
    'test/README.md',
    ...readdirSync(join(root, 'docs')).map((name) => `docs/${name}`),
  ];
  it.each(documents)('every relative link in %s names a file', (document) => {
    const text = readFileSync(join(root, document), 'utf8');
    const targets = [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
      .map((match) => match[1] ?? '')
      .filter((target) => !/^[a-z]+:/.test(target));
    const missing = targets.filter((target) => !existsSync(join(root, dirname(document), target)));
    expect(missing).toEqual([]);
  });
});
