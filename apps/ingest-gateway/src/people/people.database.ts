import { RequestsDatabase } from '../requests/requests.database.js';

/**
 * The gateway's connection for silences and decisions: a pool like the request intake's (a few
 * connections, connecting on first use, never a readiness check), its own so a slow decision
 * look-up never waits behind provisioning requests.
 */
export class PeopleDatabase extends RequestsDatabase {}
