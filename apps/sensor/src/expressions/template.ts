import { type EventPath, lookupPath, parsePath } from './event-path.js';
import { InvalidPathError, InvalidTemplateError, TemplateValueMissingError } from './expression.errors.js';

type Part = { readonly literal: string } | { readonly path: EventPath; readonly helpers: readonly Helper[] };

/** A pipe helper of a placeholder: `{{ data.labels.name | lower | truncate 20 }}`. */
interface Helper {
  readonly name: string;
  /** Takes the value so far (`undefined` when the path found nothing) and gives the next. */
  apply(value: unknown): unknown;
}

/** Splits on `|` outside double-quoted strings. */
const PIPE = /\|(?=(?:[^"]*"[^"]*")*[^"]*$)/;

/**
 * The helpers. They only transform the value found in the event — they never evaluate it, so a
 * value containing `{{ … }}` stays data. `default` fills a missing or empty value; `json` is the
 * only one that accepts an object (it renders it as JSON).
 */
function compileHelper(text: string, source: string): Helper {
  const match = /^\s*([a-z]+)(?:\s+(.+?))?\s*$/.exec(text);
  const fail = (why: string) =>
    new InvalidTemplateError(`"${source}": helper "${text.trim()}" ${why}`, { template: source });
  if (!match) throw fail('is malformed');
  const [, name, rawArg] = match as unknown as [string, string, string | undefined];
  let arg: unknown;
  if (rawArg !== undefined) {
    try {
      arg = JSON.parse(rawArg);
    } catch {
      throw fail('needs a JSON argument ("text" or a number)');
    }
  }
  /** Numbers and booleans as text; anything else as it is (an object fails as "not a single value"). */
  const asText = (v: unknown) => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : v);
  switch (name) {
    case 'lower':
    case 'upper':
      if (arg !== undefined) throw fail('takes no argument');
      return {
        name,
        apply: (v) => (typeof v === 'string' ? (name === 'lower' ? v.toLowerCase() : v.toUpperCase()) : v),
      };
    case 'json':
      if (arg !== undefined) throw fail('takes no argument');
      return { name, apply: (v) => (v === undefined ? v : JSON.stringify(v)) };
    case 'default':
      if (typeof arg !== 'string' && typeof arg !== 'number' && typeof arg !== 'boolean') throw fail('needs a value');
      return { name, apply: (v) => (v === undefined || v === '' ? arg : v) };
    case 'truncate': {
      if (typeof arg !== 'number' || !Number.isInteger(arg) || arg < 1) throw fail('needs a positive whole number');
      const max = arg;
      return {
        name,
        apply: (v) => {
          const t = asText(v);
          return typeof t === 'string' && t.length > max ? `${t.slice(0, Math.max(0, max - 1))}…` : t;
        },
      };
    }
    default:
      throw fail('is not a helper (lower, upper, default, json, truncate)');
  }
}

const PLACEHOLDER = /\{\{(.*?)\}\}/gs;

/**
 * A compiled `{{ path }}` / `{{ path | helper … }}` template. Compiled once at start-up; rendering only copies literals and
 * looks values up, in one pass, so a value that itself contains `{{x}}` (a label, an annotation) is
 * data and stays literal: no template injection. Rendering is strict: every placeholder needs a
 * single value (string, number or boolean) in the event, else {@link TemplateValueMissingError}.
 */
export class Template {
  private constructor(
    readonly source: string,
    private readonly parts: readonly Part[],
  ) {}

  /**
   * Parses `source`; throws {@link InvalidTemplateError} for an unclosed or malformed placeholder.
   * `roots`: where its paths may start (default: the event envelope's attributes).
   */
  static compile(source: string, roots?: readonly string[]): Template {
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
      const [pathText, ...helperTexts] = (match[1] ?? '').split(PIPE);
      let path: EventPath;
      try {
        path = parsePath(pathText ?? '', roots);
      } catch (error) {
        const reason = error instanceof InvalidPathError ? error.message : String(error);
        throw new InvalidTemplateError(`placeholder ${match[0]}: ${reason}`, { template: source });
      }
      parts.push({ path, helpers: helperTexts.map((text) => compileHelper(text, source)) });
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
        let value: unknown = lookup.found ? lookup.value : undefined;
        for (const helper of part.helpers) value = helper.apply(value);
        if (value === undefined) {
          problems.push(`${part.path.text} is missing`);
          return '';
        }
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
