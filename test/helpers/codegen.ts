/**
 * GraphQL Code Generator's CLI, run in a folder of its own as a team runs it (`graphql-codegen
 * --config`), not through its API: the CLI is what teams use, and it loads presets as they do.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const CLI = join(__dirname, '..', '..', 'node_modules', '@graphql-codegen', 'cli', 'esm', 'bin.js');
/**
 * A folder for a team's project: inside this repository, so that the CLI finds the presets in its
 * node_modules as a team's codegen finds them in theirs.
 */
export function teamProjectDir(name: string): string {
  const parent = join(__dirname, '..', '..', 'node_modules', '.cache', 'team-projects');
  mkdirSync(parent, { recursive: true });
  return mkdtempSync(join(parent, `${name}-`));
}

export const SCHEMA_FILE = join(__dirname, '..', '..', 'schema', 'schema.graphql');

/**
 * Writes `config` into `dir` (an object as codegen.json, a string as the source of codegen.ts) and
 * runs the CLI there; rejects with its output.
 */
export async function runCodegen(dir: string, config: Record<string, unknown> | string): Promise<void> {
  const file = typeof config === 'string' ? 'codegen.ts' : 'codegen.json';
  writeFileSync(join(dir, file), typeof config === 'string' ? config : JSON.stringify(config, null, 2));
  await promisify(execFile)(process.execPath, [CLI, '--config', file, '--silent'], {
    cwd: dir,
    // The CLI's own module loading, without jest's VM flags.
    env: { ...process.env, NODE_OPTIONS: '' },
  });
}
