import { useEffect, useRef } from 'react';
import type { CeremonySession } from '../../store/ceremony-slice.ts';
import { useKeyriteStore } from '../../store/store.ts';

/** The end: closed or aborted, why, the evidence bundle, whether it verified, and its final root as words. */
export function Outcome({ session }: { session: CeremonySession }) {
  const dismiss = useKeyriteStore((s) => s.dismissCeremony);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const bundle = session.bundle;
  const verified = bundle?.verified === true;
  return (
    <section className={`outcome panel ${session.status === 'closed' && verified ? 'verdict-pass' : 'verdict-fail'}`} aria-labelledby="outcome-title" data-testid="ceremony-outcome" data-status={session.status}>
      <h2 id="outcome-title" tabIndex={-1} ref={heading}>
        {session.status === 'closed' ? 'Ceremony closed' : 'Ceremony aborted'}
      </h2>
      {session.failure !== null && (
        <p>
          Why it stopped{session.failure.step === null ? '' : ` (step ${session.failure.step})`}: {session.failure.message}
        </p>
      )}
      {bundle === null ? (
        <p>No evidence bundle was written.</p>
      ) : (
        <dl className="facts">
          <dt>Evidence bundle</dt>
          <dd className="mono" data-testid="bundle-folder">
            {bundle.folder}
          </dd>
          <dt>Archive</dt>
          <dd className="mono">{bundle.archive}</dd>
          <dt>Verified</dt>
          <dd data-testid="bundle-verified">{verified ? 'yes' : 'no'}</dd>
          <dt>Final root</dt>
          <dd>
            <span className="words">{bundle.rootWords.join(' ')}</span>
            <span className="mono">{bundle.rootHex}</span>
          </dd>
        </dl>
      )}
      <div className="actions">
        <button type="button" onClick={() => void dismiss()}>
          Back to home
        </button>
      </div>
    </section>
  );
}
