/**
 * Debian's Chromium, driven by playwright-core (no browser download: none is reachable here). Where
 * it is not installed, browser tests are skipped with a notice, except in CI (`CI=true`), where
 * .ci/run installs it and its absence is a failure.
 */
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// As the machine's notes advise: headless, no sandbox as root, and nothing that phones home.
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function describeWithChromium(name: string, body: () => void): void {
  if (existsSync(CHROMIUM) || process.env.CI === 'true') {
    describe(name, body);
  } else {
    console.warn(
      `Skipping "${name}": no Chromium at ${CHROMIUM} (apt-get install chromium; CI installs it).`,
    );
    describe.skip(name, body);
  }
}
