import { type EventPath, lookupPath, parsePath } from './event-path.js';
import { InvalidPathError, InvalidTemplateError, TemplateValueMissingError } from './expression.errors.js';

type Part = { readonly literal: string } | { readonly path: EventPath };

const PLACEHOLDER = /\{\{(.*?)\}\}/gs;

/**
 * A compiled `{{ path }}` template. Compiled once at start-up; rendering only copies literals and
 * looks values up, in one pass, so a value that itself contains `{{x}}` (a label, an annotation) is
 * data and stays literal: no template injection. Rendering is strict: every placeholder needs a
 * single value (string, number or boolean) in the event, else {@link TemplateValueMissingError}.
 */
export class Template {
  private constructor(
    readonly source: string,
    private readonly parts: readonly Part[],
  ) {}

  /** Parses `source`; throws {@link InvalidTemplateError} for an unclosed or malformed placeholder. */
  static compile(source: string): Template {
    const parts: Part[] = [];
    let last = 0;
    const literal = (text: string) => {
      if (text.includes('{{') || text.includes('}}')) {
        throw new InvalidTemplateError(`"${source}" has an unmatched "{{" or "}}"`, { template: source });
      }
      if (text.length > 0) parts.push({ literal: text });
    };
    for (const match of source.matchAll(PLACEHOLDER)) {
      literal(source.slice(last, match.index));
      try {
        parts.push({ path: parsePath(match[1] ?? '') });
      } catch (error) {
        const reason = error instanceof InvalidPathError ? error.message : String(error);
        throw new InvalidTemplateError(`placeholder ${match[0]}: ${reason}`, { template: source });
      }
      last = match.index + match[0].length;
    }
    literal(source.slice(last));
    return new Template(source, parts);
  }

  /** The paths this template reads. */
  get paths(): EventPath[] {
    return this.parts.flatMap((part) => ('path' in part ? [part.path] : []));
  }

  /** Fills every placeholder from `event`; reports every missing value at once. */
  render(event: unknown): string {
    const problems: string[] = [];
    const text = this.parts
      .map((part) => {
        if ('literal' in part) return part.literal;
        const lookup = lookupPath(event, part.path);
        if (!lookup.found) {
          problems.push(`${part.path.text} is missing`);
          return '';
        }
        const { value } = lookup;
        if (typeof value === 'string') return value;
        if (typeof value === 'number' || typeof value === 'boolean') return String(value);
        problems.push(`${part.path.text} is not a single value`);
        return '';
      })
      .join('');
    if (problems.length > 0) throw new TemplateValueMissingError(this.source, problems);
    return text;
  }

  toJSON(): string {
    return this.source;
  }
}

/** Action params after compilation: every string a template, other YAML values as they are. */
export type ParamTemplate =
  Template | number | boolean | null | readonly ParamTemplate[] | { readonly [key: string]: ParamTemplate };

/** The JSON value rendered from a {@link ParamTemplate}. */
export type ParamValue = string | number | boolean | null | ParamValue[] | { [key: string]: ParamValue };

/** Renders a compiled params tree against `event` (strict, like {@link Template.render}). */
export function renderParams(params: ParamTemplate, event: unknown): ParamValue {
  if (params instanceof Template) return params.render(event);
  if (params === null || typeof params !== 'object') return params;
  if (Array.isArray(params)) return (params as readonly ParamTemplate[]).map((item) => renderParams(item, event));
  const entries = Object.entries(params as Record<string, ParamTemplate>);
  return Object.fromEntries(entries.map(([key, value]) => [key, renderParams(value, event)]));
}
