/**
 * relay-compiler, run as an app's build runs it: its native binary over the modules of
 * `documents.ts`, against the committed SDL, into a fresh folder. The tests run the artifacts it
 * writes, so a schema Relay cannot compile against fails here, with the compiler's own message.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ConcreteRequest, ReaderFragment } from 'relay-runtime';
import { RELAY_MODULES } from './documents.js';

const SCHEMA = resolve(__dirname, '../../../schema/schema.graphql');

export interface RelayArtifacts {
  request(name: string): ConcreteRequest;
  fragment(name: string): ReaderFragment;
  close(): void;
}

function compileRelayArtifacts(): RelayArtifacts {
  // The package's main is the path of the binary built for this platform (null where there is none).
  const binary = require('relay-compiler') as string | null;
  if (!binary) throw new Error(`relay-compiler ships no binary for ${process.platform}-${process.arch}`);
  const root = mkdtempSync(join(tmpdir(), 'relay-artifacts-'));
  mkdirSync(join(root, 'src'));
  mkdirSync(join(root, '__generated__'));
  for (const [module, documents] of Object.entries(RELAY_MODULES)) {
    writeFileSync(join(root, 'src', `${module}.js`), documents.map((d) => `graphql\`${d}\`;\n`).join(''));
  }
  const config = {
    src: './src',
    schema: SCHEMA,
    language: 'javascript',
    artifactDirectory: './__generated__',
    // CommonJS artifacts: jest requires them as they are, with no transform.
    eagerEsModules: false,
  };
  writeFileSync(join(root, 'relay.config.json'), JSON.stringify(config));
  try {
    execFileSync(binary, ['--noWatchman', 'relay.config.json'], { cwd: root, stdio: 'pipe' });
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    const output = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`relay-compiler failed:\n${output.stdout ?? ''}${output.stderr ?? ''}`);
  }
  const artifact = (name: string) => require(join(root, '__generated__', `${name}.graphql.js`));
  return {
    request: (name) => artifact(name) as ConcreteRequest,
    fragment: (name) => artifact(name) as ReaderFragment,
    close: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Relay's artifacts for a test file: compiled before its tests run, removed after them. */
export function useRelayArtifacts(): Pick<RelayArtifacts, 'request' | 'fragment'> {
  let compiled: RelayArtifacts | undefined;
  beforeAll(() => {
    compiled = compileRelayArtifacts();
  });
  afterAll(() => compiled?.close());
  const ready = () => {
    if (!compiled) throw new Error('Relay artifacts are compiled in beforeAll, before any test');
    return compiled;
  };
  return { request: (name) => ready().request(name), fragment: (name) => ready().fragment(name) };
}
