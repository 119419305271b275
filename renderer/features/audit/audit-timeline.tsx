import { useKeyriteStore } from '../../store/store.ts';

/** The live audit timeline beside every screen: events as they are recorded. */
export function AuditTimeline() {
  const events = useKeyriteStore((s) => s.auditEvents);
  return (
    <aside className="timeline" aria-labelledby="timeline-title">
      <h2 id="timeline-title">Audit timeline</h2>
      {events.length === 0 ? (
        <p className="hint">Nothing recorded yet.</p>
      ) : (
        <ol aria-live="polite">
          {events.map((event) => (
            <li key={event.seq} data-testid="audit-event" data-type={event.type} data-seq={event.seq}>
              <span className="seq">#{event.seq}</span> <time dateTime={event.at}>{event.at.slice(11, 19)}</time> {event.summary}
            </li>
          ))}
        </ol>
      )}
    </aside>
  );
}
