import { HubError } from '@hub/contracts';

export enum ExpressionErrorCode {
  InvalidPath = 'SENSOR_INVALID_PATH',
  InvalidTemplate = 'SENSOR_INVALID_TEMPLATE',
  InvalidDuration = 'SENSOR_INVALID_DURATION',
  InvalidRegex = 'SENSOR_INVALID_REGEX',
  TemplateValueMissing = 'SENSOR_TEMPLATE_VALUE_MISSING',
  InvalidExpression = 'SENSOR_INVALID_EXPRESSION',
}

/** A path into an event (`data.labels.name`) that does not parse, or starts at no envelope attribute. */
export class InvalidPathError extends HubError<ExpressionErrorCode.InvalidPath> {
  readonly code = ExpressionErrorCode.InvalidPath;
  readonly retryable = false;
}

/** A `{{ … }}` template that does not parse (unclosed placeholder, bad path inside). */
export class InvalidTemplateError extends HubError<ExpressionErrorCode.InvalidTemplate> {
  readonly code = ExpressionErrorCode.InvalidTemplate;
  readonly retryable = false;
}

/** A duration that is not `<number><unit>…` with units ms, s, m, h, d. */
export class InvalidDurationError extends HubError<ExpressionErrorCode.InvalidDuration> {
  readonly code = ExpressionErrorCode.InvalidDuration;
  readonly retryable = false;
}

/** A filter's regular expression that JavaScript cannot compile. */
export class InvalidRegexError extends HubError<ExpressionErrorCode.InvalidRegex> {
  readonly code = ExpressionErrorCode.InvalidRegex;
  readonly retryable = false;
}

/** A CEL expression, time zone, time of day or other filter value that does not compile. */
export class InvalidExpressionError extends HubError<ExpressionErrorCode.InvalidExpression> {
  readonly code = ExpressionErrorCode.InvalidExpression;
  readonly retryable = false;
}

/**
 * A template met an event without a value it needs (or with an object where it needs a single
 * value). Templates are strict: rendering an empty string instead would sync the wrong thing.
 */
export class TemplateValueMissingError extends HubError<ExpressionErrorCode.TemplateValueMissing> {
  readonly code = ExpressionErrorCode.TemplateValueMissing;
  readonly retryable = false;

  constructor(
    readonly template: string,
    readonly problems: readonly string[],
  ) {
    super(`template "${template}": ${problems.join('; ')}`, { template, problems });
  }
}
