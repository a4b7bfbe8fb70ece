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
