/**
 * `npm run emulator`: the HSS emulator on its own, for pointing a gateway (or curl) at it.
 * EMULATOR_PORT (default 8900), EMULATOR_HOST (default 127.0.0.1), EMULATOR_ROWS_PER_SCOPE.
 */
import { HssEmulator } from './hss-emulator.js';

async function main(): Promise<void> {
  const port = Number(process.env.EMULATOR_PORT ?? 8900);
  const rows = process.env.EMULATOR_ROWS_PER_SCOPE;
  const emulator = new HssEmulator(rows === undefined ? {} : { rowsPerScope: Number(rows) });
  emulator.on('request', (r) =>
    console.log(`${r.method} ${r.path}${r.query ? `?${r.query}` : ''} -> ${r.status}`),
  );
  const url = await emulator.listen(port, process.env.EMULATOR_HOST ?? '127.0.0.1');
  console.log(
    `HSS emulator listening on ${url}; try ${url}/v5/demo/asset/port/statistics with any X-Auth-Token`,
  );
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
