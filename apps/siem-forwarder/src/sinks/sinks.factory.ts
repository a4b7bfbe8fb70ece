import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CURRENT_FILE } from '../audit/audit-chain.js';
import { AuditLogSink } from '../audit/audit-log.sink.js';
import { type SiemForwarderConfig } from '../siem-forwarder.config.js';
import { SplunkHecSink } from '../splunk/splunk-hec.sink.js';
import { SyslogSink } from '../syslog/syslog.sink.js';
import { type Sink } from './sink.js';

export interface ConfiguredSinks {
  audit: AuditLogSink;
  /** Every sink, the audit log first; Splunk and syslog only when their URL is set. */
  all: Sink[];
}

/** The sinks the configuration turns on. The local audit log is always one of them (embedded default). */
export async function createSinks(config: SiemForwarderConfig): Promise<ConfiguredSinks> {
  const audit = new AuditLogSink(join(config.HUB_DATA_DIR, 'audit', CURRENT_FILE), {
    key: config.HUB_AUDIT_KEY,
    rotateBytes: config.HUB_AUDIT_ROTATE_BYTES,
    rotateDaily: config.HUB_AUDIT_ROTATE_DAILY,
    checkpointRecords: config.HUB_AUDIT_CHECKPOINT_RECORDS,
  });
  await audit.open();
  const all: Sink[] = [audit];
  if (config.SPLUNK_HEC_URL && config.SPLUNK_HEC_TOKEN) {
    all.push(
      new SplunkHecSink({
        url: config.SPLUNK_HEC_URL,
        token: config.SPLUNK_HEC_TOKEN,
        index: config.SPLUNK_HEC_INDEX,
        sourcetype: config.SPLUNK_HEC_SOURCETYPE,
        timeoutMs: config.SPLUNK_HEC_TIMEOUT_MS,
        ackTimeoutMs: config.SPLUNK_HEC_ACK_TIMEOUT_MS,
        ackPollMs: config.SPLUNK_HEC_ACK_POLL_MS,
      }),
    );
  }
  if (config.SYSLOG_URL) {
    all.push(
      new SyslogSink({
        url: config.SYSLOG_URL,
        ca: config.SYSLOG_CA_FILE ? readFileSync(config.SYSLOG_CA_FILE, 'utf8') : undefined,
        insecure: config.SYSLOG_TLS_INSECURE,
        facility: config.SYSLOG_FACILITY,
        timeoutMs: config.SYSLOG_TIMEOUT_MS,
      }),
    );
  }
  return { audit, all };
}
