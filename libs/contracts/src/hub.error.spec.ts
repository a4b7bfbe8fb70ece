import { HubError, hubError, isHubError } from './hub.error.js';

enum SampleErrorCode {
  Gone = 'SAMPLE_GONE',
  Busy = 'SAMPLE_BUSY',
}

class SampleGoneError extends hubError(SampleErrorCode.Gone, { retryable: false }) {}

class SampleBusyError extends hubError(SampleErrorCode.Busy, { retryable: true }) {
  constructor(readonly holder: string) {
    super(`held by ${holder}`, { holder });
  }
}

/** Compiles only while `code` is the enum member of each class: the switch narrows to it. */
function describeSample(error: SampleGoneError | SampleBusyError): string {
  switch (error.code) {
    case SampleErrorCode.Gone:
      return `gone: ${error.message}`;
    case SampleErrorCode.Busy:
      return `busy: ${error.holder}`;
  }
}

describe(hubError.name, () => {
  it('makes a HubError of its code: class name, retryable, message, context and cause', () => {
    const cause = new Error('404 from the vendor');
    const error = new SampleGoneError('no such sample', { id: 7 }, { cause });

    expect(error).toBeInstanceOf(SampleGoneError);
    expect(error).toBeInstanceOf(HubError);
    expect(error).toBeInstanceOf(Error);
    expect(isHubError(error)).toBe(true);
    expect(error).toMatchObject({
      name: 'SampleGoneError',
      code: 'SAMPLE_GONE',
      retryable: false,
      message: 'no such sample',
      context: { id: 7 },
      cause,
    });
    expect(String(error)).toBe('SampleGoneError: no such sample');
  });

  it('gives each class its own code and retryable, under its own constructor', () => {
    const error = new SampleBusyError('run-1');

    expect(error).toMatchObject({
      name: 'SampleBusyError',
      code: 'SAMPLE_BUSY',
      retryable: true,
      holder: 'run-1',
      message: 'held by run-1',
      context: { holder: 'run-1' },
    });
    expect(error).not.toBeInstanceOf(SampleGoneError);
    expect(new SampleGoneError('no such sample')).not.toBeInstanceOf(SampleBusyError);
  });

  it('keeps the literal types, so a switch over error.code narrows to the class', () => {
    expectTypeOf<SampleGoneError['code']>().toEqualTypeOf<SampleErrorCode.Gone>();
    expectTypeOf<SampleBusyError['retryable']>().toEqualTypeOf<true>();
    expect(describeSample(new SampleGoneError('no such sample'))).toBe('gone: no such sample');
    expect(describeSample(new SampleBusyError('run-1'))).toBe('busy: run-1');
  });
});
