import { ConfigError } from '@hub/config';
import { DEFAULT_REDACT_KEYS, loadSiemForwarderConfig } from './siem-forwarder.config.js';

describe('loadSiemForwarderConfig', () => {
  it('defaults to the local audit log only', () => {
    const config = loadSiemForwarderConfig({});
    expect(config.SPLUNK_HEC_URL).toBeUndefined();
    expect(config.SYSLOG_URL).toBeUndefined();
    expect(config.HUB_METRICS_PORT).toBe(9105);
    expect(config.SIEM_REDACT_KEYS).toEqual([...DEFAULT_REDACT_KEYS]);
  });

  it('lists every bad setting in one error: scheme, missing token, batch beyond the prefetch', () => {
    expect(() =>
      loadSiemForwarderConfig({
        SPLUNK_HEC_URL: 'http://127.0.0.1:8088',
        SYSLOG_URL: 'udp://127.0.0.1:514',
        SIEM_BATCH_SIZE: '100',
        HUB_PREFETCH: '10',
      }),
    ).toThrow(
      new ConfigError([
        { variable: 'SYSLOG_URL', problem: 'must be a URL (tcp:// or tls://…)' },
        { variable: 'SPLUNK_HEC_TOKEN', problem: 'is required when SPLUNK_HEC_URL is set' },
        {
          variable: 'SIEM_BATCH_SIZE',
          problem: 'must be at most HUB_PREFETCH (10): a batch is made of unacked messages',
        },
      ]),
    );
  });

  it('wants tls:// for the TLS settings', () => {
    expect(() => loadSiemForwarderConfig({ SYSLOG_URL: 'tcp://127.0.0.1:601', SYSLOG_TLS_INSECURE: 'true' })).toThrow(
      /SYSLOG_CA_FILE: TLS settings need a tls:\/\/ SYSLOG_URL/,
    );
  });
});
