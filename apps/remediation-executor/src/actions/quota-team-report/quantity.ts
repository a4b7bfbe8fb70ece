const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};
const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

/**
 * A Kubernetes resource quantity (`500m`, `2`, `1.5Gi`, `128974848`, `1e3`) as a number (cores,
 * bytes, counts); undefined when it is not one.
 */
export function parseQuantity(text: string): number | undefined {
  const match = QUANTITY.exec(text.trim());
  if (!match) return undefined;
  const [, number = '', exponent, suffix = ''] = match;
  if (exponent) return Number(`${number}${exponent}`);
  return Number(number) * (BINARY[suffix] ?? DECIMAL[suffix] ?? 1);
}

/** A summed quantity for people: memory and storage in GiB, CPU in cores, counts as they are. */
export function formatQuantity(resource: string, value: number): string {
  if (/memory|storage/.test(resource)) return `${round(value / 2 ** 30)}Gi`;
  return String(round(value));
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
