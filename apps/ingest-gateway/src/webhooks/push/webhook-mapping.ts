import { Environment } from '@marcbachmann/cel-js';
import { createEvent, type HubEvent } from '@hub/contracts';
import { ValidationError } from '../../errors/gateway.errors.js';

/**
 * The variables a mapping expression sees: `body` (the vendor's payload — a custom webhook's JSON
 * body, an SNS `Message`, one Event Grid event, a Pub/Sub message's decoded data), `headers`
 * (lower-case names) and `attributes` (SNS message attributes, Pub/Sub attributes).
 */
const environment = new Environment({ limits: { maxAstNodes: 2_000, maxDepth: 50 } })
  .registerVariable('body', 'dyn')
  .registerVariable('headers', 'dyn')
  .registerVariable('attributes', 'dyn');

/** What a `config/webhooks/*.yaml` document says about the events a delivery becomes (CEL each). */
export interface MappingSpec {
  readonly type?: string;
  readonly subject?: string;
  readonly incidentKey?: string;
  readonly id?: string;
  /** One expression for the whole data, or one per field. */
  readonly data?: string | Readonly<Record<string, string>>;
}

/** Input of one evaluation. */
export interface MappingInput {
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, unknown>>;
  readonly attributes?: Readonly<Record<string, unknown>>;
}

type Compiled = (input: MappingInput) => unknown;

/** Why a CEL expression does not compile (for the loader's file/line/path problems), or undefined. */
export function celProblem(source: string): string | undefined {
  try {
    const check = environment.parse(source).check();
    return check.valid ? undefined : firstLine(check.error);
  } catch (error) {
    return `does not parse: ${firstLine(error)}`;
  }
}

/** Defaults a source fills in for what its document does not map. */
export interface MappingDefaults {
  readonly type: string;
  /** The envelope's `source` unless the source gives one per event (an SNS topic ARN). */
  readonly source: string;
  readonly hubsource: string;
}

/**
 * A compiled mapping: CEL (`@marcbachmann/cel-js`, sandboxed, type-checked at load) from the
 * payload to an envelope's `type`, `subject`, `incidentkey`, `data` and a delivery id. A path is a
 * CEL expression too (`body.data.object.id`); a constant is a quoted string (`"'external.stripe.charge'"`).
 * At run time a missing key leaves an optional field out, and makes a required one (type, data) a 422.
 */
export class WebhookMapping {
  private readonly type?: Compiled;
  private readonly subject?: Compiled;
  private readonly incidentKey?: Compiled;
  private readonly id?: Compiled;
  private readonly data?: Compiled | Readonly<Record<string, Compiled>>;

  constructor(
    spec: MappingSpec = {},
    private readonly defaults: MappingDefaults,
  ) {
    this.type = compile(spec.type);
    this.subject = compile(spec.subject);
    this.incidentKey = compile(spec.incidentKey);
    this.id = compile(spec.id);
    this.data =
      typeof spec.data === 'object'
        ? Object.fromEntries(Object.entries(spec.data).map(([key, expr]) => [key, compile(expr)!]))
        : compile(spec.data);
  }

  /** The delivery id the mapping names (`id:`), else `fallback`. */
  deliveryId(input: MappingInput, fallback?: string): string | undefined {
    const id = optional(this.id, input);
    return id === undefined ? fallback : textOf(id);
  }

  /** One envelope; `base` gives what the source knows (id, subject, time) and the mapping overrides. */
  event(input: MappingInput, base: { id: string; subject?: string; time?: string; source?: string }): HubEvent {
    const type = this.type ? required(this.type, input, 'type') : this.defaults.type;
    if (typeof type !== 'string') throw invalid('type', `must give a string, gave ${typeof type}`);
    const subject = optional(this.subject, input) ?? base.subject;
    const incidentkey = optional(this.incidentKey, input);
    return createEvent({
      id: base.id,
      type,
      source: base.source ?? this.defaults.source,
      data: this.dataOf(input),
      hubsource: this.defaults.hubsource,
      ...(base.time ? { time: base.time } : {}),
      ...(subject !== undefined ? { subject: textOf(subject) } : {}),
      ...(incidentkey !== undefined ? { incidentkey: textOf(incidentkey) } : {}),
    });
  }

  private dataOf(input: MappingInput): unknown {
    if (this.data === undefined) return input.body;
    if (typeof this.data === 'function') return json(required(this.data, input, 'data'));
    const data: Record<string, unknown> = {};
    for (const [key, expr] of Object.entries(this.data)) {
      const value = optional(expr, input);
      if (value !== undefined) data[key] = json(value);
    }
    return data;
  }
}

function compile(source: string | undefined): Compiled | undefined {
  if (source === undefined) return undefined;
  const evaluate = environment.parse(source);
  return (input): unknown =>
    evaluate({ body: input.body ?? null, headers: input.headers ?? {}, attributes: input.attributes ?? {} }) as unknown;
}

function required(expr: Compiled, input: MappingInput, field: string): unknown {
  try {
    return expr(input);
  } catch (error) {
    throw invalid(field, `the mapping's ${field} expression fails on this body: ${firstLine(error)}`);
  }
}

function optional(expr: Compiled | undefined, input: MappingInput): unknown {
  if (!expr) return undefined;
  try {
    const value = expr(input);
    return value === null ? undefined : value;
  } catch {
    return undefined;
  }
}

/** A scalar as text (`42`, `true`, `abc`), anything else as its JSON. */
function textOf(value: unknown): string {
  return typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean'
      ? String(value)
      : (JSON.stringify(json(value)) ?? '');
}

/** CEL integers are BigInt; JSON has numbers. */
function json(value: unknown): unknown {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value, (_key, v: unknown): unknown =>
    typeof v === 'bigint' ? Number(v) : v instanceof Map ? (Object.fromEntries(v) as unknown) : v,
  );
  return text === undefined ? undefined : (JSON.parse(text) as unknown);
}

function invalid(field: string, problem: string): ValidationError {
  return new ValidationError(`The body does not map to an event: ${problem}`, [{ path: field, problem }]);
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
