import { type OnApplicationShutdown } from '@nestjs/common';
import { CallRecorder } from '@hub/recorder';

/** The process's outbox files (`$HUB_DATA_DIR/outbox/<name>.jsonl`), one recorder per name, closed on shutdown. */
export class OutboxFiles implements OnApplicationShutdown {
  private readonly recorders = new Map<string, CallRecorder>();

  constructor(private readonly dataDir: string) {}

  /** The recorder of `name` (made on first use; its file stays open until shutdown). */
  of(name: string): CallRecorder {
    let recorder = this.recorders.get(name);
    if (!recorder) {
      recorder = new CallRecorder(this.dataDir, name);
      this.recorders.set(name, recorder);
    }
    return recorder;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.recorders.values()].map((recorder) => recorder.close()));
  }
}
