/// <reference types="vite/client" />
import { useEffect, useRef } from 'react';
import { useKeyriteStore } from '../../store/store.ts';
import { PreflightPanel, inPreflight } from '../preflight/preflight-panel.tsx';
import { AbortControl } from './abort-control.tsx';
import './ceremony.css';
import { CeremonyTimeline } from './ceremony-timeline.tsx';
import { CurrentStep } from './current-step.tsx';
import { ExceptionControl } from './exception-control.tsx';
import { Outcome } from './outcome.tsx';
import { RefusalNotice } from './refusal-notice.tsx';
import { RequestPanel } from './request-panel.tsx';
import { StepList } from './step-list.tsx';

/**
 * A ceremony in the room: one step at a time, what the engine waits for,
 * the engine's refusals in its words, progress through the script, and
 * the transcript as it grows. Abort is always one button away. Until
 * enrolment is done, the pre-flight checks stand beside the step runner.
 */
export function CeremonyScreen() {
  const session = useKeyriteStore((s) => s.ceremony.session);
  const goTo = useKeyriteStore((s) => s.goTo);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  if (session === null) {
    return (
      <main className="ceremony" aria-labelledby="ceremony-title">
        <h1 id="ceremony-title">No ceremony is open</h1>
        <button type="button" onClick={() => goTo('home')}>
          Back to home
        </button>
      </main>
    );
  }
  const running = session.status === 'running';
  const preflight = inPreflight(session);
  return (
    <main className="ceremony" aria-labelledby="ceremony-title" data-ceremony={session.scriptId} data-status={session.status}>
      <div className="ceremony-head">
        <h1 id="ceremony-title" tabIndex={-1} ref={heading}>
          {session.title}
        </h1>
        <p className="hint">
          {session.mode === 'rehearsal' ? 'Rehearsal' : 'Production'} · ceremony {session.ceremonyId}
        </p>
      </div>
      <div className="ceremony-layout">
        <div className="ceremony-main">
          {session.resumed !== null && (
            <section className="panel resumed" aria-labelledby="resumed-title">
              <h2 id="resumed-title">Resumed after an interruption</h2>
              <p>{session.resumed.continuesAt}</p>
              {session.resumed.lost.length > 0 && (
                <ul aria-label="What the interruption lost">
                  {session.resumed.lost.map((l) => (
                    <li key={l}>{l}</li>
                  ))}
                </ul>
              )}
              {session.resumed.whyRedone.length > 0 && (
                <ul aria-label="Done again">
                  {session.resumed.whyRedone.map((w) => (
                    <li key={w}>{w}</li>
                  ))}
                </ul>
              )}
            </section>
          )}
          {running ? (
            <div className={preflight ? 'preflight-layout' : undefined}>
              <div className="step-runner">
                <CurrentStep session={session} />
                {/* While a signature is asked for, the sign-off dialog shows the refusal (the page behind it is inert). */}
                {session.request?.kind !== 'signer' && <RefusalNotice />}
                <RequestPanel session={session} />
                <div className="actions">
                  <ExceptionControl />
                </div>
                <AbortControl />
              </div>
              {preflight && <PreflightPanel items={session.preflight} />}
            </div>
          ) : (
            <>
              <RefusalNotice />
              <Outcome session={session} />
              {session.preflight.some((i) => i.state === 'failed') && <PreflightPanel items={session.preflight} />}
            </>
          )}
          <StepList steps={session.steps} />
        </div>
        <CeremonyTimeline />
      </div>
    </main>
  );
}
