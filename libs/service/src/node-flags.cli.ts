/**
 * Prints {@link serviceNodeFlags} for the image's entrypoint (`deploy/docker/entrypoint.sh`):
 * `exec node $(node libs/service/dist/node-flags.cli.js) …`.
 */
import { serviceNodeFlags } from './node-flags.js';

process.stdout.write(`${serviceNodeFlags().join(' ')}\n`);
