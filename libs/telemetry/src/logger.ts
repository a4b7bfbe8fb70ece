import { trace } from '@opentelemetry/api';
import { type LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import { redactLogObject } from './log-redaction.js';

/**
 * A pino logger whose every line carries `service` and, inside a span, `trace_id` and `span_id`,
 * so a log line leads to its trace and back. Secrets are redacted ({@link redactLogObject}): an
 * authorization header, a token or a password logged by mistake shows as `[REDACTED]`.
 */
export function createLogger(
  service: string,
  level: LevelWithSilent = 'info',
  destination?: DestinationStream,
): Logger {
  const logger = pino(
    {
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }), log: redactLogObject, bindings: redactLogObject },
      mixin() {
        const context = trace.getActiveSpan()?.spanContext();
        return context ? { trace_id: context.traceId, span_id: context.spanId } : {};
      },
    },
    destination,
  );
  // pino hands a child's bindings to no formatter of ours: they are redacted on the way in
  // (children inherit this `child`, so grandchildren too).
  const { child } = Object.getPrototypeOf(logger) as {
    child: (this: Logger, bindings: object, options?: object) => Logger;
  };
  logger.child = function (this: Logger, bindings: Record<string, unknown>, options?: object) {
    return child.call(this, redactLogObject(bindings), options);
  } as unknown as Logger['child'];
  return logger;
}

/** Nest's logger interface over pino, so framework messages share the format and trace ids. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }

  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal', message: unknown, rest: unknown[]) {
    const context = typeof rest.at(-1) === 'string' ? (rest.pop() as string) : undefined;
    const fields: Record<string, unknown> = context ? { context } : {};
    if (message instanceof Error) {
      this.logger[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ ...fields, ...(message as Record<string, unknown>) });
    } else {
      if (rest.length > 0 && typeof rest[0] === 'string' && level === 'error') fields.stack = rest[0];
      this.logger[level](fields, String(message));
    }
  }
}
