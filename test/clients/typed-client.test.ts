/**
 * The typed client docs/federation.md shows, built as a frontend team would build it: its codegen.ts
 * run by GraphQL Code Generator's CLI against a running gateway, then its dashboard code compiled by
 * `tsc` under the strictest settings frontends use (NodeNext, verbatimModuleSyntax, fragment
 * masking on). Both snippets are taken from the document itself.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runCodegen, teamProjectDir } from '../helpers/codegen.js';
import { useDemoGateway } from '../helpers/fixtures.js';
import { snippetOf } from '../helpers/snippets.js';

const ROOT = join(__dirname, '..', '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const demo = useDemoGateway(); // codegen introspects it, as a team's codegen would

let dir: string;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('generates, and compiles under strict NodeNext with fragment masking', async () => {
  dir = teamProjectDir('typed-client');
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  for (const file of readdirSync(join(ROOT, 'schema', 'operations'))) {
    copyFileSync(join(ROOT, 'schema', 'operations', file), join(dir, 'src', file));
  }
  const codegenTs = snippetOf('docs/federation.md', '// codegen.ts in the frontend repository');
  expect(codegenTs).toContain("'http://localhost:4000/graphql'");
  await runCodegen(dir, codegenTs.replace('http://localhost:4000/graphql', `${demo.gw.url}/graphql`));

  writeFileSync(join(dir, 'src', 'dashboard.ts'), snippetOf('docs/federation.md', '// src/dashboard.ts'));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2022',
        lib: ['ES2022', 'DOM'],
        verbatimModuleSyntax: true,
        noUncheckedIndexedAccess: true,
        exactOptionalPropertyTypes: true,
        noEmit: true,
        skipLibCheck: true,
      },
      include: ['src'],
    }),
  );
  const compiled = await promisify(execFile)(process.execPath, [TSC, '-p', dir]).then(
    () => '',
    (error: { stdout?: string }) => error.stdout ?? String(error),
  );
  expect(compiled).toBe('');
}, 120_000);
