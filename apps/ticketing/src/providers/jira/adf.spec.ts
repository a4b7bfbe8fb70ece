import { validateAdf } from '@hub/testing';
import { ticketContent } from '../../tickets/ticket-content.js';
import { adfDescription, adfNote } from './adf.js';

const request = {
  operation: 'open' as const,
  fingerprint: 'fp-1',
  incidentKey: 'payments/api-7d9/disallow-privileged',
  incidentId: 'inc-1',
  state: 'firing' as const,
  summary: 'Privileged pod',
  description: 'First paragraph.\n\nSecond paragraph.',
  severity: 'critical' as const,
  labels: ['policy'],
  fields: { namespace: 'payments' },
  links: [{ title: 'Runbook', url: 'https://runbooks.example/p' }],
  timeline: [{ at: '2026-11-23T06:00:00Z', state: 'firing', text: '' }],
};

describe(adfDescription.name, () => {
  it('renders a valid Atlassian document with details, links (Grafana included) and the timeline', () => {
    const doc = adfDescription(ticketContent(request, 'abc123', 'http://grafana/explore?x'));
    expect(validateAdf(doc)).toEqual([]);
    const text = JSON.stringify(doc);
    expect(text).toContain('"text":"Second paragraph."');
    expect(text).toContain('"href":"http://grafana/explore?x"');
    expect(text).toContain('"text":"abc123","marks":[{"type":"code"}]');
  });

  it('stays valid with an empty description and no links or timeline (ADF refuses empty text nodes)', () => {
    const doc = adfDescription(ticketContent({ ...request, description: '', links: [], timeline: [] }));
    expect(validateAdf(doc)).toEqual([]);
    expect(validateAdf(adfNote({ heading: 'Resolved', text: '' }))).toEqual([]);
  });
});

describe(validateAdf.name, () => {
  it('refuses what JIRA Cloud refuses: a string, empty text, a list item outside a list, a link without href', () => {
    expect(validateAdf('plain text')).toHaveLength(1);
    expect(
      validateAdf({
        type: 'doc',
        version: 1,
        content: [
          { type: 'paragraph', content: [{ type: 'text', text: '' }] },
          { type: 'listItem', content: [] },
          { type: 'paragraph', content: [{ type: 'text', text: 'x', marks: [{ type: 'link', attrs: {} }] }] },
        ],
      }).map((p) => p.path),
    ).toEqual(['content[0].content[0].text', 'content[1].type', 'content[2].content[0].marks[0].attrs.href']);
  });
});
