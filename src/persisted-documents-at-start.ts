/**
 * The persisted documents the gateway starts with (TRUSTED_DOCUMENTS_FILE): read once, checked
 * against the schema, and a manifest that cannot be used stops the start, as a bad variable does.
 */
import { parse, validate } from 'graphql';
import type { Logger } from 'pino';
import { ConfigError, type GatewayConfig } from './config.js';
import {
  type PersistedDocuments,
  PersistedDocumentsError,
  readPersistedDocuments,
} from './graphql/persisted-documents.js';
import { schema } from './schema/index.js';

/** The manifests' documents; a manifest that cannot be used stops the start, as a bad variable does. */
export function persistedDocumentsAtStart(config: GatewayConfig, logger: Logger): PersistedDocuments {
  const { persistedDocumentFiles: files, trustedDocuments: trusted } = config.http;
  try {
    const documents = readPersistedDocuments(files);
    logger.info({ files, documents: documents.size, trusted }, 'persisted documents');
    // A document of another schema version still lets the gateway start (a frontend may ship
    // first), but it will fail every time it is sent: say so now, not at the first request.
    const invalid = [...documents.entries()]
      .filter(([, document]) => validate(schema, parse(document)).length > 0)
      .map(([id]) => id);
    if (invalid.length > 0) {
      logger.warn(
        { ids: invalid.slice(0, 20), count: invalid.length },
        'persisted documents this schema does not validate: they will be refused',
      );
    }
    if (trusted && documents.size === 0) {
      logger.warn(
        { files },
        'only trusted documents run, and the manifests hold none: every request is refused',
      );
    }
    return documents;
  } catch (error) {
    if (!(error instanceof PersistedDocumentsError)) throw error;
    const lines = error.problems.map((problem) => `TRUSTED_DOCUMENTS_FILE: ${problem}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
}
