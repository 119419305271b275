import { useEffect, useRef } from 'react';
import { useKeyriteStore } from '../../store/store.ts';
import { OpenBundlePanel } from './open-bundle-panel.tsx';
import { ReportView } from './report-view.tsx';

/**
 * The auditor's screen: open an evidence bundle, verify it offline, read
 * the verdict and the report, export or print it.
 */
export function AuditorScreen() {
  const goTo = useKeyriteStore((s) => s.goTo);
  const report = useKeyriteStore((s) => (s.auditor.phase === 'ready' ? s.auditor.report : null));
  const heading = useRef<HTMLHeadingElement>(null);

  // A new screen or a new verdict: move focus to its heading, so a keyboard or screen reader user starts there.
  useEffect(() => {
    heading.current?.focus();
  }, [report]);

  return (
    <main className="auditor" aria-labelledby="auditor-title">
      <nav className="screen-nav" aria-label="Screens">
        <button type="button" className="secondary" onClick={() => goTo('home')}>
          Back to home
        </button>
      </nav>
      <h1 id="auditor-title" tabIndex={-1} ref={heading}>
        {report === null ? 'Audit an evidence bundle' : `Audit of ${report.ceremony.title}`}
      </h1>
      {report === null ? <OpenBundlePanel /> : <ReportView report={report} />}
    </main>
  );
}
