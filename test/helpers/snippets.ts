/**
 * The code blocks of our Markdown, run or compiled as a reader would paste them: a test takes a
 * snippet from the document itself (never a copy), so a snippet that stops working fails a test.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import ts from 'typescript';

export interface Fence {
  lang: string;
  body: string;
  /** The line the fence opens on, 1-based. */
  line: number;
}

const ROOT = join(__dirname, '..', '..');

/** The fenced code blocks of a Markdown text (indented ones too), with the line each starts on. */
export function fencesOf(markdown: string): Fence[] {
  const fences: Fence[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\w*)\s*$/.exec(lines[i] ?? '');
    if (!open) continue;
    const indent = open[1] ?? '';
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i]?.trim() !== '```'; i++) {
      body.push(
        (lines[i] ?? '').startsWith(indent) ? (lines[i] ?? '').slice(indent.length) : (lines[i] ?? ''),
      );
    }
    fences.push({ lang: open[2] ?? '', body: body.join('\n'), line: start + 1 });
  }
  return fences;
}

/** The one code block of `document` (a path from the repository's root) that contains `marker`. */
export function snippetOf(document: string, marker: string): string {
  const found = fencesOf(readFileSync(join(ROOT, document), 'utf8')).filter((f) => f.body.includes(marker));
  if (found.length !== 1) {
    throw new Error(
      `${document}: expected one code block containing ${JSON.stringify(marker)}, found ${found.length}`,
    );
  }
  return (found[0] as Fence).body;
}

/**
 * Runs a TypeScript snippet as a CommonJS module and answers its exports. `scope` provides the
 * free names a snippet leaves to its reader's code (a token, a `defineConfig`); `modules` replaces
 * what its imports load (to see what it passes to a library), anything else is the real package.
 */
export function runSnippet(
  code: string,
  scope: Record<string, unknown> = {},
  modules: Record<string, unknown> = {},
): Record<string, unknown> {
  const { outputText } = ts.transpileModule(code, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  });
  const realRequire = createRequire(join(ROOT, 'package.json'));
  const load = (name: string) => (name in modules ? modules[name] : realRequire(name));
  const exports: Record<string, unknown> = {};
  const names = Object.keys(scope);
  new Function('exports', 'require', ...names, outputText)(exports, load, ...names.map((n) => scope[n]));
  return exports;
}
