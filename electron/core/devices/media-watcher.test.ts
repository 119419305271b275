import { describe, expect, it } from 'vitest';
import { watchMedia, type PollScheduler } from './media-watcher.ts';
import type { MediaEvent, Medium } from './schemas.ts';

const medium = (name: string): Medium => ({
  id: `linux:/dev/${name}1@/media/alice/${name}`,
  platform: 'linux',
  label: name,
  mountPoint: `/media/alice/${name}`,
  device: `/dev/${name}1`,
  filesystem: 'vfat',
  freeBytes: 100,
  totalBytes: 200,
  readOnly: false,
  removableBecause: 'removable-flag',
});

/** A scheduler the test ticks by hand. */
function manualScheduler() {
  const timers = new Map<number, () => void>();
  let next = 1;
  const scheduler: PollScheduler = {
    setInterval(callback) {
      timers.set(next, callback);
      return next++;
    },
    clearInterval(handle) {
      timers.delete(handle as number);
    },
  };
  return { scheduler, timers, tick: () => [...timers.values()].forEach((f) => f()) };
}

describe('watching removable media by polling', () => {
  it('the first list is the baseline; later lists give inserted and removed events', async () => {
    let current = [medium('sdb')];
    const events: MediaEvent[] = [];
    const { scheduler } = manualScheduler();
    const initial: Medium[][] = [];
    const watcher = watchMedia(async () => current, (e) => events.push(e), { scheduler, onInitial: (m) => initial.push(m), now: () => new Date('2026-11-28T10:00:00Z') });
    expect(await watcher.ready).toHaveLength(1);
    expect(initial).toEqual([[medium('sdb')]]);
    current = [medium('sdb'), medium('sdc')];
    await watcher.poll();
    current = [medium('sdc')];
    await watcher.poll();
    expect(events.map((e) => `${e.type} ${e.medium.label} ${e.at}`)).toEqual(['inserted sdc 2026-11-28T10:00:00.000Z', 'removed sdb 2026-11-28T10:00:00.000Z']);
    watcher.stop();
  });

  it('polls on the injected interval, and stop() clears it and silences late results', async () => {
    let current: Medium[] = [];
    const events: MediaEvent[] = [];
    const { scheduler, timers, tick } = manualScheduler();
    const watcher = watchMedia(async () => current, (e) => events.push(e), { scheduler, intervalMs: 250 });
    await watcher.ready;
    current = [medium('sdd')];
    tick();
    await new Promise((r) => setTimeout(r, 5));
    expect(events.map((e) => e.type)).toEqual(['inserted']);
    watcher.stop();
    expect(timers.size).toBe(0);
    current = [];
    await watcher.poll();
    expect(events).toHaveLength(1);
  });

  it('a failing poll is reported and the watcher keeps going', async () => {
    let fail = false;
    let current: Medium[] = [];
    const errors: unknown[] = [];
    const events: MediaEvent[] = [];
    const watcher = watchMedia(async () => {
      if (fail) throw new Error('mount: not found');
      return current;
    }, (e) => events.push(e), { scheduler: manualScheduler().scheduler, onError: (e) => errors.push(e) });
    await watcher.ready;
    fail = true;
    await watcher.poll();
    fail = false;
    current = [medium('sde')];
    await watcher.poll();
    expect(errors).toHaveLength(1);
    expect(events.map((e) => e.medium.label)).toEqual(['sde']);
    watcher.stop();
  });

  it('never runs two polls at once', async () => {
    let running = 0;
    let most = 0;
    const watcher = watchMedia(async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 5));
      running -= 1;
      return [];
    }, () => undefined, { scheduler: manualScheduler().scheduler });
    await watcher.ready;
    await Promise.all([watcher.poll(), watcher.poll(), watcher.poll()]);
    expect(most).toBe(1);
    watcher.stop();
  });
});
