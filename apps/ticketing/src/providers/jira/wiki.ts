import { facts, type TicketContent, type TicketNote } from '../../tickets/ticket-content.js';

/** Wiki markup treats these as formatting; escaped so alert text shows as written. */
const escape = (value: string) => value.replace(/([{}[\]|*_+^~-])/g, '\\$1');

/** The description of a new ticket in JIRA wiki markup (what REST v2 of Data Center / Server takes). */
export function wikiDescription(content: TicketContent): string {
  const lines = [escape(content.description), '', 'h3. Details'];
  for (const [name, value] of facts(content))
    lines.push(`* *${name}:* ${name === 'Trace id' ? `{{${value}}}` : escape(value)}`);
  if (content.links.length > 0) {
    lines.push('', 'h3. Links', ...content.links.map((l) => `* [${escape(l.title)}|${l.url}]`));
  }
  if (content.timeline.length > 0) {
    lines.push(
      '',
      'h3. Timeline',
      ...content.timeline.map((t) => `* {{${t.at}}} *${escape(t.state)}*${t.text ? `: ${escape(t.text)}` : ''}`),
    );
  }
  return lines.join('\n').trim();
}

export function wikiNote(note: TicketNote): string {
  const lines = [`*${escape(note.heading)}*`];
  if (note.text) lines.push(escape(note.text));
  if (note.traceId)
    lines.push(`Trace id: {{${note.traceId}}}${note.traceUrl ? ` — [View trace in Grafana|${note.traceUrl}]` : ''}`);
  return lines.join('\n');
}
