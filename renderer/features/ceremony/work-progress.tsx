import { useId, useState } from 'react';
import type { WorkProgress as Progress } from '../../store/ceremony-slice.ts';
import { useKeyriteStore } from '../../store/store.ts';

/** Why work that cannot be cancelled runs to its end, in words for the room. */
const WHY_NOT: Record<Progress['work'], string> = {
  'sealing-share': 'The sealing is ending; it can no longer be cancelled.',
  'opening-share': 'The share is opened; it can no longer be cancelled.',
  'loading-key': 'Loading into the HSMs runs to its end: stopping would leave some HSMs with the key and others without.',
  'verifying-bundle': 'The transcript is closed and cosigned; its bundle is exported and verified to the end.',
};

const CANCEL_WORDS: Record<Progress['work'], string> = {
  'sealing-share': 'Cancel the sealing',
  'opening-share': 'Cancel opening the share',
  'loading-key': 'Cancel',
  'verifying-bundle': 'Cancel',
};

/**
 * Long work the engine does in a step (a share's KDF, loads into HSMs, the
 * bundle's verification): a labelled progress bar, its percentage in words,
 * and Cancel where the engine allows it (a share's KDF). The event holds
 * public values only; the percentage is of the whole work (every share).
 */
export function WorkProgress() {
  const progress = useKeyriteStore((s) => s.ceremony.progress);
  const cancelWork = useKeyriteStore((s) => s.cancelWork);
  return <WorkProgressView progress={progress} cancelWork={cancelWork} />;
}

export function WorkProgressView({ progress, cancelWork }: { progress: Progress | null; cancelWork: () => Promise<void> }) {
  const [cancelling, setCancelling] = useState(false);
  const id = useId();
  if (progress === null) return <p role="status">Keyrite is working on this step…</p>;
  const percent = Math.floor((progress.done / progress.total) * 100);
  const cancel = async (): Promise<void> => {
    // aria-disabled rather than disabled while the cancel is on its way: a disabled button loses the keyboard's focus.
    if (cancelling) return;
    setCancelling(true);
    try {
      await cancelWork();
    } finally {
      setCancelling(false);
    }
  };
  return (
    <section className="work-progress" aria-labelledby={`${id}-label`} data-testid="work-progress" data-work={progress.work} data-item={progress.item} data-cancellable={progress.cancellable}>
      {/* Announced once per item, not at every tick of the bar. */}
      <p role="status" className="visually-hidden">{progress.label}</p>
      <label id={`${id}-label`} htmlFor={id}>
        {progress.label}
      </label>
      <progress id={id} max={progress.total} value={progress.done} aria-valuetext={`${percent}%`} />
      <p className="work-progress-text" data-testid="work-progress-text">
        {progress.label}: {percent}%
      </p>
      {progress.cancellable ? (
        <button type="button" className="secondary" aria-disabled={cancelling} onClick={() => void cancel()}>
          {CANCEL_WORDS[progress.work]}
        </button>
      ) : (
        <p className="hint">{WHY_NOT[progress.work]}</p>
      )}
    </section>
  );
}
