import type { AuditReport } from '../../../shared/contract/auditor.ts';
import { auditorSelectors } from '../../store/auditor-slice.ts';
import { useKeyriteStore } from '../../store/store.ts';
import { ReportTable } from './data-table.tsx';
import { Digest } from './digest.tsx';
import { Verdict } from './verdict.tsx';

function ReportActions() {
  const { exporting, exported, exportError } = useKeyriteStore((s) => s.auditor);
  const exportReport = useKeyriteStore((s) => s.exportReport);
  const closeBundle = useKeyriteStore((s) => s.closeBundle);
  return (
    <section aria-labelledby="report-actions-title" className="report-actions no-print">
      <h2 id="report-actions-title" className="visually-hidden">
        Report actions
      </h2>
      <div className="actions">
        <button type="button" onClick={() => void exportReport()} disabled={exporting}>
          Export report (HTML and PDF)…
        </button>
        <button type="button" className="secondary" onClick={() => window.print()}>
          Print report
        </button>
        <button type="button" className="secondary" onClick={closeBundle}>
          Open another bundle
        </button>
      </div>
      <div role="status" aria-live="polite">
        {exporting && <p>Writing the report…</p>}
        {exported !== null && (
          <p data-testid="report-exported">
            Report written to <span className="mono">{exported.folder}</span>: {exported.files.join(' and ')}.
          </p>
        )}
      </div>
      {exportError !== null && (
        <p role="alert" className="error" data-error-code={exportError.code}>
          {exportError.message}
        </p>
      )}
    </section>
  );
}

function CeremonySummary({ report }: { report: AuditReport }) {
  const [ceremonyKey, ...cosignerKeys] = report.trustedKeys;
  return (
    <section aria-labelledby="ceremony-title" className="report-section">
      <h2 id="ceremony-title">Ceremony</h2>
      <dl className="facts">
        <dt>Title</dt>
        <dd>{report.ceremony.title}</dd>
        <dt>Ceremony id</dt>
        <dd className="mono">{report.ceremony.id}</dd>
        <dt>Bundle</dt>
        <dd className="mono">{report.bundleName}</dd>
        <dt>Final root (SHA-256, RFC 6962)</dt>
        <dd>{report.root === null ? 'None: no checkpoint verified.' : <Digest value={report.root} />}</dd>
        <dt>Ceremony key</dt>
        <dd className="mono">{ceremonyKey ?? 'None listed.'}</dd>
        {cosignerKeys.length > 0 && (
          <>
            <dt>Cosigner keys</dt>
            <dd>
              <ul className="plain mono">
                {cosignerKeys.map((key) => (
                  <li key={key}>{key}</li>
                ))}
              </ul>
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}

function TimelineSection({ report }: { report: AuditReport }) {
  const timeline = useKeyriteStore((s) => s.auditor.timeline);
  const more = useKeyriteStore(auditorSelectors.moreTimeline);
  const loadMore = useKeyriteStore((s) => s.loadMoreTimeline);
  const omitted = report.verification.eventCount - report.timeline.total;
  const firstBad = report.verification.firstBadEvent;
  return (
    <>
      <ReportTable
        id="timeline"
        title="Timeline"
        rows={timeline}
        total={timeline.length}
        none="No event verified, so there is no timeline to show."
        columns={[
          { header: '#', cell: (e) => e.seq, rowHeader: true },
          { header: 'Time (UTC)', cell: (e) => <time dateTime={e.at}>{e.at.replace('T', ' ').replace('Z', '')}</time> },
          { header: 'Event', cell: (e) => e.type },
          { header: 'By', cell: (e) => e.actors || 'system' },
          { header: 'Step', cell: (e) => e.step },
          { header: 'Details', cell: (e) => <span className="details">{e.summary}</span> },
        ]}
      />
      {more > 0 && (
        <p className="no-print">
          <button type="button" className="secondary" onClick={() => void loadMore()}>
            Show more events ({more.toLocaleString('en')} more)
          </button>
        </p>
      )}
      {omitted > 0 && (
        <p className="hint">
          {firstBad !== null
            ? `${omitted.toLocaleString('en')} events, from the first bad event (#${firstBad.index}) on, are not listed: nothing in them can be trusted.`
            : `${omitted.toLocaleString('en')} further events are in the bundle's transcript.jsonl and are not listed here.`}
        </p>
      )}
    </>
  );
}

/** The verdict first, then the actions, then the report section by section. */
export function ReportView({ report }: { report: AuditReport }) {
  return (
    <div className="report" data-testid="audit-report">
      <Verdict report={report} />
      <ReportActions />
      {report.verification.firstBadEvent !== null && (
        <p className="vouched-note" data-testid="vouched-note">
          Only the events before the first bad event (#{report.verification.firstBadEvent.index}) are listed below: nothing recorded from there on can be trusted, so a
          key, sign-off or exception recorded after it does not appear.
        </p>
      )}
      <CeremonySummary report={report} />
      <ReportTable
        id="participants"
        title="Participants"
        rows={report.participants.items}
        total={report.participants.total}
        none="No participant was enrolled."
        columns={[
          { header: 'Name', cell: (p) => p.name, rowHeader: true },
          { header: 'Id', cell: (p) => <span className="mono">{p.id}</span> },
          { header: 'Role', cell: (p) => p.role },
        ]}
      />
      <ReportTable
        id="keys"
        title="Keys created"
        rows={report.keys.items}
        total={report.keys.total}
        none="No key was created in this ceremony."
        columns={[
          { header: 'Label', cell: (k) => k.label, rowHeader: true },
          { header: 'Algorithm', cell: (k) => k.algorithm },
          { header: 'Fingerprint', cell: (k) => <Digest value={k.fingerprint} /> },
          { header: 'Check value', cell: (k) => (k.checkValue === null ? 'none recorded' : <Digest value={k.checkValue} />) },
          { header: 'Token', cell: (k) => k.token },
        ]}
      />
      <ReportTable
        id="share-sets"
        title="Share sets issued"
        rows={report.shareSets.items}
        total={report.shareSets.total}
        none="No share set was issued in this ceremony."
        columns={[
          { header: 'Share set', cell: (s) => <span className="mono">{s.id}</span>, rowHeader: true },
          { header: 'Key', cell: (s) => s.keyLabel },
          { header: 'Policy', cell: (s) => s.policy },
          { header: 'Commitment', cell: (s) => <Digest value={s.commitment} /> },
          { header: 'Custodians', cell: (s) => s.custodians },
        ]}
      />
      <ReportTable
        id="sign-offs"
        title="Sign-offs"
        rows={report.signOffs.items}
        total={report.signOffs.total}
        none="No sign-off was recorded."
        columns={[
          { header: 'Event', cell: (s) => `#${s.seq}`, rowHeader: true },
          { header: 'Time (UTC)', cell: (s) => s.at.replace('T', ' ').replace('Z', '') },
          { header: 'Witness', cell: (s) => s.witness },
          { header: 'Step', cell: (s) => s.step },
          { header: 'Statement', cell: (s) => s.statement },
        ]}
      />
      <ReportTable
        id="exceptions"
        title="Exceptions"
        rows={report.exceptions.items}
        total={report.exceptions.total}
        none="No exception was recorded."
        columns={[
          { header: 'Event', cell: (e) => `#${e.seq}`, rowHeader: true },
          { header: 'Time (UTC)', cell: (e) => e.at.replace('T', ' ').replace('Z', '') },
          { header: 'What happened', cell: (e) => e.description },
          { header: 'Decision', cell: (e) => e.decision },
        ]}
      />
      <ReportTable
        id="checkpoints"
        title="Signed checkpoints"
        rows={report.checkpoints.items}
        total={report.checkpoints.total}
        none="No checkpoint verified."
        columns={[
          { header: 'Events covered', cell: (c) => c.size, rowHeader: true },
          { header: 'Root', cell: (c) => <span className="mono">{c.rootHex}</span> },
          { header: 'Signed by', cell: (c) => <span className="mono">{c.signedBy}</span> },
          { header: 'Cosigned by', cell: (c) => c.cosigners.join('; ') },
        ]}
      />
      <TimelineSection report={report} />
    </div>
  );
}
