import { spawn } from 'node:child_process';
import autocannon from 'autocannon';
import { startEmulator } from './bench/processes';
import { DEMO_AUTH_TOKEN, DEMO_PROJECT_ID } from './src/config';

(async () => {
  const emu = await startEmulator(1000);
  const child = spawn(process.execPath, ['--cpu-prof', '--cpu-prof-dir=/tmp/prof', 'dist/server.js'], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      PORT: '4777',
      HSS_ENDPOINT: emu.url,
      HSS_PROJECT_ID: DEMO_PROJECT_ID,
      HSS_AUTH_TOKEN: DEMO_AUTH_TOKEN,
      HSS_RATE_LIMIT_PER_MINUTE: '0',
      CACHE_TTL_SECONDS: process.env.TTL ?? '0',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await new Promise((r) => setTimeout(r, 1500));
  const r = await autocannon({
    url: 'http://127.0.0.1:4777/graphql',
    method: 'POST',
    connections: 10,
    duration: 6,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: '{ portStatistics(filter: { category: HOST }) { totalCount nodes { port type num status } } }',
    }),
  });
  console.log('rps', r.requests.average, 'p50', r.latency.p50);
  child.kill('SIGINT');
  await new Promise((r) => child.on('exit', r));
  await emu.stop();
})();
