/**
 * The gateway's layers (docs/architecture.md): each folder of src/ may import from its own folder
 * and from the layers below it, never from above; and no file imports itself round a cycle.
 * `npm run check:layers` (part of `npm test`) holds the code to it.
 */

/**
 * Lowest first: each layer a group of folders that may import each other (no cycle, though) and the
 * layers below. Above them all, the assembly: the files directly in src/ (server, gateway, yoga,
 * context ...) and config/ (the environment as the gateway reads it). Beside them, the emulator: a
 * program of its own that only the assembly imports, and that knows of the gateway only the
 * foundation and the upstream's wire format.
 */
const LAYERS = [
  ['foundation', 'errors|telemetry|ids|model'],
  ['upstream', 'credentials|upstream'],
  ['quota', 'fleet|quota|auth'],
  ['rows', 'rows'],
  ['domain', 'request|paging|port-statistics|port-servers'],
  ['graphql', 'graphql|schema|observability|plugins'],
  ['edge', 'http'],
];
const ASSEMBLY = '^src/[^/]+\\.ts$|^src/config/';
const EMULATOR = '^src/emulator/';

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
    ...LAYERS.map(([name, folders], i) => ({
      name: `layer-${name}`,
      severity: 'error',
      comment: `${name} (${folders}) may import only itself and the layers below it: ${
        LAYERS.slice(0, i)
          .map(([below]) => below)
          .join(', ') || 'none'
      }.`,
      from: { path: folder(folders) },
      to: {
        path: [...LAYERS.slice(i + 1).map(([, above]) => folder(above)), ASSEMBLY, EMULATOR].join('|'),
      },
    })),
    {
      name: 'emulator-beside',
      severity: 'error',
      comment:
        'The emulator is a program of its own: it knows only the foundation and the upstream wire format.',
      from: { path: EMULATOR },
      to: { path: `^src/(?!(emulator|errors|telemetry|ids|model|credentials|upstream)/)` },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    includeOnly: '^src/',
  },
};
