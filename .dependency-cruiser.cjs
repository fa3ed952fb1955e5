/**
 * The gateway's layers (docs/architecture.md): each folder of src/ may import from its own folder
 * and from the layers below it, never from above; and no file imports itself round a cycle.
 * `npm run check:layers` (part of `npm test`) holds the code to it.
 */

/** Lowest first. The files directly in src/ (server, gateway, yoga, context ...) are the top. */
const LAYERS = [
  'errors',
  'telemetry',
  'ids|model',
  'credentials',
  'upstream',
  'fleet',
  'quota',
  'auth',
  'request',
  'paging',
  'port-statistics',
  'port-servers',
  'config',
  'loaders',
  'graphql',
  'schema',
  'observability',
  'plugins',
  'http',
  'emulator',
];

const folder = (names) => `^src/(${names})/`;

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'A cycle of imports (type-only ones too) means two files are one concept, or a layer is wrong.',
      from: {},
      to: { circular: true },
    },
    ...LAYERS.map((layer, i) => ({
      name: `layer-${layer.replace('|', '-')}`,
      severity: 'error',
      comment: `${layer} may import only itself and the layers below it: ${LAYERS.slice(0, i).join(', ') || 'none'}.`,
      from: { path: folder(layer) },
      to: {
        path: `^src/(${[...LAYERS.slice(i + 1)].join('|')})/|^src/[^/]+\\.ts$`,
      },
    })),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    includeOnly: '^src/',
  },
};
