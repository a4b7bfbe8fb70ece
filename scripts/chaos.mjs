#!/usr/bin/env node
// npm run chaos [-- --short] [--outage=proxy|real] [--only=<scenario text>] [--rate=<alerts/s>]: the fault suite
// (test/chaos, see docs/reliability.md). Builds like npm start and npm run bench, then runs the compiled suite.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (
  spawnSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-b'], { cwd: root, stdio: 'inherit' }).status
) {
  process.exit(1);
}
await import('../test/chaos/dist/main.js');
