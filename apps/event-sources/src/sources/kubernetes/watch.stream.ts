import { type KubeConfig, Watch } from '@kubernetes/client-node';
import { type WatchedObject, type WatchPhase } from './watched-object.js';

/** What a watch stream hands the source, in the order the API server sent it. */
export type WatchItem =
  | { kind: 'change'; phase: WatchPhase; object: WatchedObject }
  | { kind: 'bookmark'; resourceVersion: string }
  /** 410 Gone (in the stream or as the HTTP status): the position is too old, relist. */
  | { kind: 'gone' }
  /** The stream ended: normally (the server's timeout) or with an error. */
  | { kind: 'ended'; error?: Error };

export interface WatchQuery {
  path: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/**
 * One watch connection (client-node's `Watch`: chunked JSON lines), bookmarks on. Items are
 * queued through `emit`; the stream remembers the last resourceVersion it received (where a
 * reopened watch resumes) and when it last heard from the server (the watch age).
 */
export class WatchStream {
  lastReceived?: string;
  lastHeardAt = Date.now();
  private controller?: AbortController;
  private generation = 0;

  constructor(
    private readonly kc: KubeConfig,
    readonly key: string,
    private readonly query: WatchQuery,
    private readonly emit: (item: WatchItem) => void,
  ) {}

  /** Opens the watch from `resourceVersion` (none: the current state as synthetic ADDED events first — a relist). */
  async open(resourceVersion: string | undefined): Promise<void> {
    this.close();
    const generation = ++this.generation;
    this.lastReceived = resourceVersion;
    this.lastHeardAt = Date.now();
    const emit = (item: WatchItem) => {
      if (generation === this.generation) this.emit(item);
    };
    this.controller = await new Watch(this.kc).watch(
      this.query.path,
      {
        allowWatchBookmarks: true,
        resourceVersion,
        labelSelector: this.query.labelSelector,
        fieldSelector: this.query.fieldSelector,
      },
      (type: string, object: WatchedObject & { code?: number }) => {
        this.lastHeardAt = Date.now();
        if (type === 'ERROR') {
          emit(object.code === 410 ? { kind: 'gone' } : { kind: 'ended', error: new Error(statusMessage(object)) });
          this.generation++;
          this.controller?.abort();
          return;
        }
        const rv = object.metadata?.resourceVersion;
        if (rv) this.lastReceived = rv;
        if (type === 'BOOKMARK') {
          if (rv) emit({ kind: 'bookmark', resourceVersion: rv });
        } else if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') {
          emit({ kind: 'change', phase: type, object });
        }
      },
      (error: (Error & { statusCode?: number; name?: string }) | null) => {
        if (error?.statusCode === 410) emit({ kind: 'gone' });
        else if (error && error.name !== 'AbortError') emit({ kind: 'ended', error });
        else emit({ kind: 'ended' });
      },
    );
  }

  close(): void {
    this.generation++;
    this.controller?.abort();
    this.controller = undefined;
  }
}

function statusMessage(status: { message?: string; reason?: string; code?: number }): string {
  return `watch error ${status.code ?? ''} ${status.reason ?? ''}: ${status.message ?? 'no message'}`.trim();
}
