import { hubError } from '@hub/contracts';

export enum ExpressionErrorCode {
  InvalidPath = 'SENSOR_INVALID_PATH',
  InvalidTemplate = 'SENSOR_INVALID_TEMPLATE',
  InvalidDuration = 'SENSOR_INVALID_DURATION',
  InvalidRegex = 'SENSOR_INVALID_REGEX',
  TemplateValueMissing = 'SENSOR_TEMPLATE_VALUE_MISSING',
  InvalidExpression = 'SENSOR_INVALID_EXPRESSION',
}

/** A path into an event (`data.labels.name`) that does not parse, or starts at no envelope attribute. */
export class InvalidPathError extends hubError(ExpressionErrorCode.InvalidPath, { retryable: false }) {}

/** A `{{ … }}` template that does not parse (unclosed placeholder, bad path inside). */
export class InvalidTemplateError extends hubError(ExpressionErrorCode.InvalidTemplate, { retryable: false }) {}

/** A duration that is not `<number><unit>…` with units ms, s, m, h, d. */
export class InvalidDurationError extends hubError(ExpressionErrorCode.InvalidDuration, { retryable: false }) {}

/** A filter's regular expression that JavaScript cannot compile. */
export class InvalidRegexError extends hubError(ExpressionErrorCode.InvalidRegex, { retryable: false }) {}

/** A CEL expression, time zone, time of day or other filter value that does not compile. */
export class InvalidExpressionError extends hubError(ExpressionErrorCode.InvalidExpression, { retryable: false }) {}

/**
 * A template met an event without a value it needs (or with an object where it needs a single
 * value). Templates are strict: rendering an empty string instead would sync the wrong thing.
 */
export class TemplateValueMissingError extends hubError(ExpressionErrorCode.TemplateValueMissing, {
  retryable: false,
}) {
  constructor(
    readonly template: string,
    readonly problems: readonly string[],
  ) {
    super(`template "${template}": ${problems.join('; ')}`, { template, problems });
  }
}
