import { z } from 'zod';
import { boolVar, coreEnvSchema, type Env, parseEnv, portVar, positiveIntVar, urlVar } from '@hub/config';
import { DEFAULT_REDACT_KEYS } from '@hub/contracts';
import { serviceQueues } from '@hub/messaging';

/** The hub's secret names (`@hub/contracts`), the SIEM's default list. */
export { DEFAULT_REDACT_KEYS };

const listVar = z.string().transform((value) =>
  value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== ''),
);

/**
 * The SIEM forwarder's variables: the core set, the Splunk HEC and syslog sinks (each on when its
 * URL is set; the local audit log is always on), batching, retry back-off and redaction.
 */
export const siemForwarderEnvSchema = coreEnvSchema
  .extend({
    HUB_METRICS_PORT: portVar.default(9105),
    SPLUNK_HEC_URL: urlVar(['http', 'https']).optional(),
    SPLUNK_HEC_TOKEN: z.string().min(1).optional(),
    /** Index to write to; unset → the token's default index. */
    SPLUNK_HEC_INDEX: z.string().min(1).optional(),
    SPLUNK_HEC_SOURCETYPE: z.string().min(1).default('hub:event'),
    /** Per HEC request. */
    SPLUNK_HEC_TIMEOUT_MS: positiveIntVar.default(10_000),
    /** How long to wait for an indexer acknowledgement before sending the batch again. */
    SPLUNK_HEC_ACK_TIMEOUT_MS: positiveIntVar.default(60_000),
    SPLUNK_HEC_ACK_POLL_MS: positiveIntVar.default(500),
    /** `tcp://host:port` or `tls://host:port`; RFC 5424 messages, octet-counted (RFC 6587), CEF payload. */
    SYSLOG_URL: urlVar(['tcp', 'tls']).optional(),
    /** PEM file with the CA(s) that signed the syslog server's certificate (TLS only). */
    SYSLOG_CA_FILE: z.string().min(1).optional(),
    /** Skip the syslog server's certificate check (TLS only; for tests and labs). */
    SYSLOG_TLS_INSECURE: boolVar.default(false),
    /** RFC 5424 facility number; 13 = log audit. */
    SYSLOG_FACILITY: z.coerce.number({ error: 'must be a number' }).int().min(0).max(23).default(13),
    SYSLOG_TIMEOUT_MS: positiveIntVar.default(10_000),
    /** Records per sink batch; at most HUB_PREFETCH (the unacked messages a batch is made of). */
    SIEM_BATCH_SIZE: positiveIntVar.default(50),
    /** How long a partial batch waits for more records before it is sent. */
    SIEM_BATCH_WAIT_MS: positiveIntVar.default(200),
    SIEM_RETRY_INITIAL_MS: positiveIntVar.default(500),
    SIEM_RETRY_MAX_MS: positiveIntVar.default(30_000),
    /** Replaces the default list of redacted names (case, `-` and `_` ignored). */
    SIEM_REDACT_KEYS: listVar.default([...DEFAULT_REDACT_KEYS]),
    /** Added to the (default or given) list. */
    SIEM_REDACT_EXTRA_KEYS: listVar.default([]),
    /**
     * HMAC key of the local audit log's chain (from a Secret). Without it the chain is plain
     * SHA-256: it shows edits, but whoever can write the file can also write a new valid chain.
     */
    HUB_AUDIT_KEY: z
      .string()
      .min(32, { error: 'must be at least 32 characters (e.g. openssl rand -hex 32)' })
      .optional(),
    /** The audit log's current file is rotated once it holds this many bytes. */
    HUB_AUDIT_ROTATE_BYTES: positiveIntVar.default(100 * 1024 * 1024),
    /** Also rotate it at the first record of each UTC day. */
    HUB_AUDIT_ROTATE_DAILY: boolVar.default(true),
    /** Records between two checkpoints of the chain sent to the SIEM sinks (and one per rotation). */
    HUB_AUDIT_CHECKPOINT_RECORDS: positiveIntVar.default(1000),
  })
  .superRefine((config, ctx) => {
    if (config.SPLUNK_HEC_URL && !config.SPLUNK_HEC_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['SPLUNK_HEC_TOKEN'], message: 'is required when SPLUNK_HEC_URL is set' });
    }
    if (config.SIEM_BATCH_SIZE > config.HUB_PREFETCH) {
      ctx.addIssue({
        code: 'custom',
        path: ['SIEM_BATCH_SIZE'],
        message: `must be at most HUB_PREFETCH (${config.HUB_PREFETCH}): a batch is made of unacked messages`,
      });
    }
    if (config.SYSLOG_URL?.startsWith('tcp:') && (config.SYSLOG_CA_FILE || config.SYSLOG_TLS_INSECURE)) {
      ctx.addIssue({ code: 'custom', path: ['SYSLOG_CA_FILE'], message: 'TLS settings need a tls:// SYSLOG_URL' });
    }
  });

export type SiemForwarderConfig = z.output<typeof siemForwarderEnvSchema>;

export function loadSiemForwarderConfig(env?: Env): SiemForwarderConfig {
  return parseEnv(siemForwarderEnvSchema, env);
}

/** The queue this service owns on the bus. */
export const SIEM_FORWARDER_QUEUE = serviceQueues['siem-forwarder'].queue;
