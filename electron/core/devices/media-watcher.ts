/**
 * Insertion and removal of removable media, by polling the list: every OS
 * has a mount table, not every OS has an event source we can use without
 * native code. A medium is the same medium while its id (device and mount
 * point) is unchanged. The clock is injected so tests step it by hand.
 */
import type { Medium, MediaEvent } from './schemas.ts';

export interface PollScheduler {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export const realScheduler: PollScheduler = {
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
};

export interface WatchMediaOptions {
  /** Default 1000 ms. */
  intervalMs?: number;
  scheduler?: PollScheduler;
  now?: () => Date;
  /** The first list, taken before any event: what was already inserted. */
  onInitial?: (media: Medium[]) => void;
  /** A poll that failed (the watcher keeps polling). */
  onError?: (error: unknown) => void;
}

export interface MediaWatcher {
  /** Resolves after the first poll (its list is also given to onInitial). */
  readonly ready: Promise<Medium[]>;
  /** Runs one poll now; resolves when its events are delivered. For tests and for "refresh" buttons. */
  poll(): Promise<void>;
  /** Stops polling; idempotent; no event is delivered after it. */
  stop(): void;
}

export function watchMedia(list: () => Promise<Medium[]>, listener: (event: MediaEvent) => void, options: WatchMediaOptions = {}): MediaWatcher {
  const scheduler = options.scheduler ?? realScheduler;
  const now = options.now ?? (() => new Date());
  const report = options.onError ?? ((error: unknown) => console.error('Removable media poll failed', error));
  let known: Map<string, Medium> | null = null;
  let stopped = false;
  let inFlight: Promise<void> | null = null;

  const deliver = (type: MediaEvent['type'], medium: Medium): void => {
    if (stopped) return;
    try {
      listener({ type, medium, at: now().toISOString() });
    } catch (error) {
      report(error);
    }
  };

  const diff = (media: Medium[]): void => {
    const current = new Map(media.map((m) => [m.id, m]));
    if (known === null) {
      known = current;
      return;
    }
    for (const [id, medium] of known) if (!current.has(id)) deliver('removed', medium);
    for (const [id, medium] of current) if (!known.has(id)) deliver('inserted', medium);
    known = current;
  };

  // One poll at a time: a slow `mount` or PowerShell must not pile up.
  const poll = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    inFlight ??= list()
      .then(diff, report)
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  };

  const ready = list().then(
    (media) => {
      if (known === null) diff(media);
      try {
        if (!stopped) options.onInitial?.(media);
      } catch (error) {
        report(error);
      }
      return media;
    },
    (error: unknown) => {
      report(error);
      known ??= new Map();
      return [];
    },
  );
  const handle = scheduler.setInterval(() => {
    void ready.then(poll);
  }, options.intervalMs ?? 1000);

  return {
    ready,
    poll: () => ready.then(poll),
    stop() {
      if (stopped) return;
      stopped = true;
      scheduler.clearInterval(handle);
    },
  };
}
