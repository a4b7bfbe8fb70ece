import { Ajv } from 'ajv';
import { join } from 'node:path';
import { CHART_DIR, readJson } from './deploy-files.js';

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const validate = ajv.compile(readJson<object>(join(CHART_DIR, 'values.schema.json')));

/** What Helm would say about these (merged) values against the chart's values.schema.json. */
export function valuesSchemaErrors(values: unknown): string[] {
  if (validate(values)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}
