/**
 * The bench's HSS emulator process: the project's emulator with EMULATOR_ROWS_PER_SCOPE rows per
 * scope, accepting any token (the churn run sends seven), without HSS's flow control (a benchmark
 * of throughput would measure 429s), and no log line per request (a log would cost the CPU the
 * bench measures). PORT is where it listens.
 */
import { HssEmulator } from '../src/emulator/hss-emulator.js';

async function main(): Promise<void> {
  const emulator = new HssEmulator({
    rowsPerScope: Number(process.env.EMULATOR_ROWS_PER_SCOPE ?? 1000),
    acceptAnyToken: true,
    quotaPerMinute: 0,
  });
  const url = await emulator.listen(Number(process.env.PORT ?? 0));
  console.log(`bench emulator listening on ${url}`);
  process.once('SIGTERM', () => void emulator.close().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
