/**
 * What no log line of a test run may contain. Every secret the tests use carries the marker
 * `SECRET` in its value; tokens the emulator's IAM issues start with `MIIEmulator`; signatures are
 * 64 hex digits after `Signature=`; the demo token is a credential too; a signed JWT (a sign-in
 * token) is three base64url parts, the first two JSON objects (`eyJ`).
 */
const FORBIDDEN = [
  { what: 'a test secret', pattern: /SECRET/ },
  { what: 'an IAM-issued token', pattern: /MIIEmulator/ },
  { what: 'an AK/SK signature', pattern: /Signature=[0-9a-f]{64}/ },
  { what: 'the demo token', pattern: /demo-token-for-the-embedded-hss-emulator/ },
  { what: 'a sign-in token (JWT)', pattern: /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{20,}/ },
];

/** The lines that leak, each with what it leaks, the line cut short so the leak is not repeated whole. */
function findLeaks(lines) {
  const leaks = [];
  for (const line of lines) {
    for (const { what, pattern } of FORBIDDEN) {
      if (pattern.test(line)) leaks.push({ what, line: line.slice(0, 160) });
    }
  }
  return leaks;
}

module.exports = { findLeaks, FORBIDDEN };
