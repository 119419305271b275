import type { AuditReport, VerificationStatus } from '../../../shared/contract/auditor.ts';

/** What each verdict means, in an auditor's words. Only `verified` passes. */
const VERDICTS: Record<VerificationStatus, { word: 'PASS' | 'FAIL'; title: string }> = {
  verified: { word: 'PASS', title: 'The bundle verifies: every event is as it was recorded, and signed.' },
  tampered: { word: 'FAIL', title: 'The bundle has been changed, or is incomplete.' },
  'unsigned-tail': { word: 'FAIL', title: 'The last events are not covered by any signed checkpoint.' },
  unreadable: { word: 'FAIL', title: 'The bundle could not be checked.' },
};

export function Verdict({ report }: { report: AuditReport }) {
  const v = report.verification;
  const verdict = VERDICTS[v.status];
  const bad = v.firstBadEvent;
  return (
    <section aria-labelledby="verdict-title" className={`verdict verdict-${verdict.word.toLowerCase()}`} data-testid="verdict" data-status={v.status}>
      <h2 id="verdict-title">Verification result</h2>
      <p className="verdict-word">{verdict.word}</p>
      <p className="verdict-title">{verdict.title}</p>
      {bad === null && <p>{v.summary}</p>}
      <p>
        {v.eventCount.toLocaleString('en')} events in the transcript; {v.signedSize.toLocaleString('en')} covered by signed checkpoints.
      </p>
      {bad !== null && (
        <div className="first-bad" data-testid="first-bad-event" data-index={bad.index}>
          <h3>First bad event: #{bad.index}</h3>
          <p>
            Event #{bad.index} is the first that is not as it was recorded: {bad.reason}.
          </p>
          <p>
            {bad.index === 0 ? 'No event before it verifies.' : `Events #0 to #${bad.index - 1} verify.`} Nothing from event #{bad.index} on can be trusted.
            {bad.after !== null && ` The last event that verifies is #${bad.after.seq} (${bad.after.type}${bad.after.step === '' ? '' : `, step ${bad.after.step}`}).`}
          </p>
        </div>
      )}
      {v.badCheckpoint !== null && (
        <p>
          Checkpoint <span className="mono">{v.badCheckpoint.name}</span> is not valid: {v.badCheckpoint.reason}.
        </p>
      )}
      {v.unsignedTail !== null && (
        <p>
          Events #{v.unsignedTail.from} to #{v.unsignedTail.from + v.unsignedTail.count - 1} are after the last signed checkpoint.
        </p>
      )}
      {v.manifestProblems.length > 0 && (
        <>
          <h3>Files that do not match the manifest</h3>
          <ul>
            {v.manifestProblems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </>
      )}
      {v.trust === 'bundle-keys' && (
        <p className="trust-note">
          The keys were taken from the bundle itself. Compare the ceremony key below with the one printed and read aloud at the ceremony.
        </p>
      )}
    </section>
  );
}
