import { InvalidDurationError } from './expression.errors.js';
import { formatDuration, parseDuration } from './duration.js';

describe(parseDuration.name, () => {
  it.each([
    ['30s', 30_000],
    ['10m', 600_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['500ms', 500],
    ['1h30m', 5_400_000],
    ['1.5s', 1_500],
    ['0', 0],
    ['0s', 0],
    [' 5m ', 300_000],
  ])('reads %s as %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '10', 'm', '10 m', '-5m', '5w', '1h 30m', 'soon'])('rejects "%s"', (text) => {
    expect(() => parseDuration(text)).toThrow(InvalidDurationError);
  });
});

describe(formatDuration.name, () => {
  it.each([
    [0, '0s'],
    [250, '250ms'],
    [90_000, '1m30s'],
    [7_200_000, '2h'],
    [90_061_000, '1d1h1m1s'],
  ])('writes %i ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
