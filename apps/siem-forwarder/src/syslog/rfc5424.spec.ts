import { parseRfc5424 } from '@hub/testing';
import { formatRfc5424, frameOctetCounted, syslogSeverity } from './rfc5424.js';

describe('RFC 5424 / RFC 6587', () => {
  const header = {
    facility: 13,
    severity: 4,
    timestamp: '2026-11-23T06:00:00.000Z',
    appName: 'hub',
    msgId: 'alert.firing',
    params: { eventId: 'e-1', note: 'quote " backslash \\ bracket ]', traceId: undefined },
  };

  it('formats PRI, version, header fields and escaped structured data', () => {
    const parsed = parseRfc5424(formatRfc5424(header, 'CEF:0|x'));
    expect(parsed).toMatchObject({
      pri: 13 * 8 + 4,
      version: 1,
      timestamp: header.timestamp,
      appName: 'hub',
      procId: String(process.pid),
      msgId: 'alert.firing',
      params: { eventId: 'e-1', note: 'quote " backslash \\ bracket ]' },
      msg: 'CEF:0|x',
    });
  });

  it('frames with the length in bytes, not characters', () => {
    const message = 'naïve → ok';
    expect(frameOctetCounted(message)).toBe(`${Buffer.byteLength(message)} ${message}`);
    expect(Buffer.byteLength(message)).toBeGreaterThan(message.length);
  });

  it('maps CEF severity onto syslog severity', () => {
    expect([10, 9, 7, 5, 3, 0].map(syslogSeverity)).toEqual([2, 2, 3, 4, 5, 6]);
  });
});
