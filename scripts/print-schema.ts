/** Writes schema/schema.graphql, the public SDL, from the code. The schema test checks it for drift. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { printPublicSchema } from '../src/schema/print.js';

const target = join(__dirname, '..', 'schema', 'schema.graphql');
writeFileSync(target, printPublicSchema());
console.log(`wrote ${target}`);
