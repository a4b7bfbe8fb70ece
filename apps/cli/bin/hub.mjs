#!/usr/bin/env node
// The `hub` command. It runs the built CLI (apps/cli/dist); `npm run build` makes it.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('hub: the CLI is not built yet; run `npm run build` in the repository first\n');
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
