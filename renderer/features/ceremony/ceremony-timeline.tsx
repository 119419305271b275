import { useKeyriteStore } from '../../store/store.ts';

/**
 * The ceremony's live audit timeline: every transcript event as it is
 * recorded, with its sequence number, newest first so it is always in
 * view, and the latest signed checkpoint's root as words. Each event shows
 * its transcript type (docs/), the word an auditor searches the bundle for.
 */
export function CeremonyTimeline() {
  const timeline = useKeyriteStore((s) => s.ceremony.timeline);
  const checkpoint = useKeyriteStore((s) => s.ceremony.checkpoint);
  const newestFirst = [...timeline].reverse();
  return (
    <aside className="ceremony-timeline" aria-labelledby="ceremony-timeline-title" tabIndex={0}>
      <h2 id="ceremony-timeline-title">Transcript</h2>
      <div className="checkpoint" aria-live="polite" data-testid="ceremony-checkpoint">
        {checkpoint === null ? (
          <p className="hint">No checkpoint signed yet.</p>
        ) : (
          <>
            <p>
              Latest checkpoint: <strong>{checkpoint.size}</strong> events
            </p>
            <p className="words">{checkpoint.rootWords.join(' ')}</p>
          </>
        )}
      </div>
      <ol aria-live="polite" aria-label="Recorded events, newest first">
        {newestFirst.map((event) => (
          <li key={`${event.seq}-${event.type}`} data-testid="ceremony-event" data-type={event.type} data-seq={event.seq}>
            <span className="seq">#{event.seq}</span> <time dateTime={event.at}>{event.at.slice(11, 19)}</time> <code className="event-type">{event.type}</code> {event.summary}
          </li>
        ))}
      </ol>
    </aside>
  );
}
