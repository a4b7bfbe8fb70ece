import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CallRecorder } from './call-recorder.js';

describe(CallRecorder.name, () => {
  it('appends one JSON line per call, in order, creating the folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hub-outbox-'));
    try {
      const sut = new CallRecorder(dir, 'slack');
      await Promise.all([sut.write('chat.postMessage', { text: 'a' }), sut.write('chat.update', { text: 'b' })]);
      const lines = (await readFile(join(dir, 'outbox', 'slack.jsonl'), 'utf8')).trim().split('\n');
      expect(lines.map((l) => JSON.parse(l) as { operation: string; request: unknown })).toMatchObject([
        { operation: 'chat.postMessage', request: { text: 'a' } },
        { operation: 'chat.update', request: { text: 'b' } },
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe(`${CallRecorder.name} file handle`, () => {
  it('writes a burst through one open file, in order, and refuses writes once closed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hub-outbox-'));
    try {
      const sut = new CallRecorder(dir, 'teams');
      await Promise.all(Array.from({ length: 50 }, (_, i) => sut.write('webhook.post', { i })));
      await sut.write('webhook.post', { i: 50 });
      await sut.close();
      const lines = (await readFile(join(dir, 'outbox', 'teams.jsonl'), 'utf8')).trim().split('\n');
      expect(lines.map((l) => (JSON.parse(l) as { request: { i: number } }).request.i)).toEqual(
        Array.from({ length: 51 }, (_, i) => i),
      );
      await expect(sut.write('webhook.post', { i: 51 })).rejects.toThrow('is closed');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
