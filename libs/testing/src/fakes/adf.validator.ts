/** Where an ADF document broke the format, like JIRA Cloud reports it. */
export interface AdfProblem {
  readonly path: string;
  readonly problem: string;
}

const BLOCKS = new Set([
  'paragraph',
  'heading',
  'bulletList',
  'orderedList',
  'codeBlock',
  'rule',
  'blockquote',
  'panel',
  'table',
  'mediaGroup',
]);
const INLINE = new Set(['text', 'hardBreak', 'mention', 'emoji', 'inlineCard', 'date', 'status']);
const MARKS = new Set(['strong', 'em', 'code', 'link', 'strike', 'underline', 'textColor', 'subsup']);
const CHILDREN: Record<string, Set<string>> = {
  paragraph: INLINE,
  heading: INLINE,
  bulletList: new Set(['listItem']),
  orderedList: new Set(['listItem']),
  listItem: new Set(['paragraph', 'bulletList', 'orderedList', 'codeBlock']),
  codeBlock: new Set(['text']),
  blockquote: new Set(['paragraph', 'bulletList', 'orderedList', 'codeBlock']),
  panel: new Set(['paragraph', 'heading', 'bulletList', 'orderedList']),
};

/**
 * Checks a value against the part of the Atlassian Document Format JIRA Cloud enforces on
 * `description` and comment bodies: a `doc` of version 1 with block nodes at the top, inline nodes in
 * paragraphs and headings, `listItem` only in lists, non-empty text, known marks (a link needs an href),
 * heading levels 1–6. Returns every problem (empty when valid).
 */
export function validateAdf(value: unknown): AdfProblem[] {
  const problems: AdfProblem[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [{ path: '', problem: 'must be an Atlassian Document (an object with type "doc")' }];
  }
  const doc = value as Record<string, unknown>;
  if (doc.type !== 'doc') problems.push({ path: 'type', problem: 'must be "doc"' });
  if (doc.version !== 1) problems.push({ path: 'version', problem: 'must be 1' });
  if (!Array.isArray(doc.content)) {
    problems.push({ path: 'content', problem: 'must be an array' });
    return problems;
  }
  doc.content.forEach((node, i) => checkNode(node, `content[${i}]`, BLOCKS, problems));
  return problems;
}

function checkNode(value: unknown, path: string, allowed: Set<string>, problems: AdfProblem[]): void {
  if (typeof value !== 'object' || value === null) {
    problems.push({ path, problem: 'must be a node object' });
    return;
  }
  const node = value as {
    type?: unknown;
    text?: unknown;
    attrs?: Record<string, unknown>;
    marks?: unknown;
    content?: unknown;
  };
  if (typeof node.type !== 'string' || !allowed.has(node.type)) {
    problems.push({ path: `${path}.type`, problem: `"${String(node.type)}" is not allowed here` });
    return;
  }
  if (node.type === 'text') {
    if (typeof node.text !== 'string' || node.text === '')
      problems.push({ path: `${path}.text`, problem: 'must be a non-empty string' });
    if (node.marks !== undefined) checkMarks(node.marks, `${path}.marks`, problems);
    return;
  }
  if (node.type === 'heading') {
    const level = node.attrs?.level;
    if (typeof level !== 'number' || level < 1 || level > 6)
      problems.push({ path: `${path}.attrs.level`, problem: 'must be 1–6' });
  }
  const children = CHILDREN[node.type];
  if (!children) return;
  if (!Array.isArray(node.content)) {
    if (node.type !== 'paragraph') problems.push({ path: `${path}.content`, problem: 'must be an array' });
    return;
  }
  if (node.type === 'listItem' || node.type === 'bulletList' || node.type === 'orderedList') {
    if (node.content.length === 0) problems.push({ path: `${path}.content`, problem: 'must not be empty' });
  }
  node.content.forEach((child, i) => checkNode(child, `${path}.content[${i}]`, children, problems));
}

function checkMarks(value: unknown, path: string, problems: AdfProblem[]): void {
  if (!Array.isArray(value)) {
    problems.push({ path, problem: 'must be an array' });
    return;
  }
  value.forEach((mark: { type?: unknown; attrs?: { href?: unknown } }, i) => {
    if (typeof mark?.type !== 'string' || !MARKS.has(mark.type)) {
      problems.push({ path: `${path}[${i}].type`, problem: `unknown mark "${String(mark?.type)}"` });
    } else if (mark.type === 'link' && typeof mark.attrs?.href !== 'string') {
      problems.push({ path: `${path}[${i}].attrs.href`, problem: 'a link needs an href' });
    }
  });
}
