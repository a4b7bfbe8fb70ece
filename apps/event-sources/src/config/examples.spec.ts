import { join } from 'node:path';
import { loadSources } from './source-loader.js';

const examples = new URL('../../../../examples/sources', import.meta.url).pathname;

describe('examples/sources', () => {
  it('loads every example source without a problem, one per kind', async () => {
    const sources = await loadSources(join(examples));
    expect(sources.map((s) => Object.keys(s.document.spec)[0]).sort()).toEqual(['kubernetes', 'mqtt', 'nats']);
  });
});
