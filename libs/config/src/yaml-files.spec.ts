import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { loadYamlDirectory, loadYamlFile, parseYamlFile } from './yaml-files.js';

const schema = z.strictObject({ metadata: z.strictObject({ name: z.string() }), size: z.number().optional() });
const identity = (value: z.output<typeof schema>) => ({ name: value.metadata.name, path: 'metadata.name' });
const load = (directory: string, required = true) =>
  loadYamlDirectory({ directory, schema, what: 'thing', required, identity });

describe(loadYamlDirectory.name, () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hub-yaml-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads every YAML file in name order, several documents per file, and skips other files', async () => {
    await writeFile(join(dir, 'b.yml'), 'metadata: { name: two }\n---\nmetadata: { name: three }\n');
    await writeFile(join(dir, 'a.yaml'), 'metadata: { name: one }\n');
    await writeFile(join(dir, 'notes.txt'), 'not: [yaml');
    const { documents, problems } = await load(dir);
    expect(problems).toEqual([]);
    expect(documents.map((d) => [d.value.metadata.name, d.file, d.document])).toEqual([
      ['one', join(dir, 'a.yaml'), undefined],
      ['two', join(dir, 'b.yml'), 1],
      ['three', join(dir, 'b.yml'), 2],
    ]);
  });

  it('lists every problem of every file: syntax, schema with its line, a name used twice', async () => {
    await writeFile(join(dir, 'a.yaml'), 'metadata: { name: one }\n');
    await writeFile(join(dir, 'b.yaml'), 'metadata: { name: one }\n---\nmetadata:\n  name: two\nsize: big\n');
    await writeFile(join(dir, 'c.yaml'), 'metadata: [\n');
    const { documents, problems } = await load(dir);
    expect(documents.map((d) => d.value.metadata.name)).toEqual(['one']);
    expect(problems).toEqual([
      {
        file: join(dir, 'b.yaml'),
        document: 2,
        line: 5,
        path: 'size',
        message: 'Invalid input: expected number, received string',
      },
      {
        file: join(dir, 'b.yaml'),
        document: 1,
        path: 'metadata.name',
        message: `thing "one" is already defined in ${join(dir, 'a.yaml')}`,
      },
      { file: join(dir, 'c.yaml'), line: expect.any(Number), path: '(yaml)', message: expect.any(String) },
    ]);
  });

  it('answers a missing directory with a problem when required, with nothing otherwise', async () => {
    const directory = join(dir, 'absent');
    expect(await load(directory, false)).toEqual({ documents: [], problems: [] });
    expect((await load(directory)).problems).toEqual([
      { file: directory, path: '(directory)', message: 'is not a directory (set HUB_CONFIG_DIR)' },
    ]);
  });
});

describe(loadYamlFile.name, () => {
  it('says a file is missing, and refuses a file of several documents', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hub-yaml-'));
    expect(await loadYamlFile(join(dir, 'x.yaml'), schema, 'thing')).toEqual({ problems: [], missing: true });
    await writeFile(join(dir, 'x.yaml'), 'metadata: { name: one }\n');
    expect(await loadYamlFile(join(dir, 'x.yaml'), schema, 'thing')).toEqual({
      value: { metadata: { name: 'one' } },
      problems: [],
      missing: false,
    });
    expect(parseYamlFile('x.yaml', 'metadata: { name: a }\n---\nmetadata: { name: b }\n', schema, 'thing')).toEqual({
      problems: [{ file: 'x.yaml', path: '(document)', message: 'holds one thing, not 2 documents' }],
    });
    await rm(dir, { recursive: true, force: true });
  });
});
