import { facts, type TicketContent, type TicketNote } from '../../tickets/ticket-content.js';

/** A node of the Atlassian Document Format (what JIRA Cloud's REST v3 takes for rich text). */
export interface AdfNode {
  type: string;
  text?: string;
  attrs?: Record<string, unknown>;
  marks?: { type: string; attrs?: Record<string, unknown> }[];
  content?: AdfNode[];
}

export interface AdfDocument {
  type: 'doc';
  version: 1;
  content: AdfNode[];
}

// ADF rejects empty text nodes, so every helper drops them.
const text = (value: string, marks?: AdfNode['marks']): AdfNode[] =>
  value === '' ? [] : [{ type: 'text', text: value, ...(marks ? { marks } : {}) }];
const strong = (value: string) => text(value, [{ type: 'strong' }]);
const link = (title: string, href: string) => text(title, [{ type: 'link', attrs: { href } }]);
const code = (value: string) => text(value, [{ type: 'code' }]);
const paragraph = (...parts: AdfNode[][]): AdfNode => ({ type: 'paragraph', content: parts.flat() });
const heading = (value: string): AdfNode => ({ type: 'heading', attrs: { level: 3 }, content: text(value) });
const bullets = (items: AdfNode[][]): AdfNode => ({
  type: 'bulletList',
  content: items.map((item) => ({ type: 'listItem', content: [paragraph(item)] })),
});

/** The description of a new ticket: text, details, links (runbook, generator, Grafana), timeline. */
export function adfDescription(content: TicketContent): AdfDocument {
  const nodes: AdfNode[] = content.description
    .split(/\n{2,}/)
    .filter((block) => block.trim() !== '')
    .map((block) => paragraph(text(block.trim())));
  nodes.push(heading('Details'));
  nodes.push(
    bullets(
      facts(content).map(([name, value]) => [
        ...strong(`${name}: `),
        ...(name === 'Trace id' ? code(value) : text(value)),
      ]),
    ),
  );
  if (content.links.length > 0) {
    nodes.push(heading('Links'), bullets(content.links.map((l) => link(l.title, l.url))));
  }
  if (content.timeline.length > 0) {
    nodes.push(
      heading('Timeline'),
      bullets(
        content.timeline.map((t) => [
          ...code(t.at),
          ...text(' '),
          ...strong(t.state),
          ...text(t.text ? `: ${t.text}` : ''),
        ]),
      ),
    );
  }
  return { type: 'doc', version: 1, content: nodes };
}

/** A comment: the heading in bold, the text, the trace id and link. */
export function adfNote(note: TicketNote): AdfDocument {
  const nodes: AdfNode[] = [paragraph(strong(note.heading))];
  if (note.text) nodes.push(paragraph(text(note.text)));
  if (note.traceId) {
    nodes.push(
      paragraph(
        text('Trace id: '),
        code(note.traceId),
        ...(note.traceUrl ? [text(' — '), link('View trace in Grafana', note.traceUrl)] : []),
      ),
    );
  }
  return { type: 'doc', version: 1, content: nodes };
}
