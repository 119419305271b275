import type { CeremonySession } from '../../store/ceremony-slice.ts';
import { ReadAloudList } from './read-aloud.tsx';

const STAGE_WORDS = { approval: 'Approve before Keyrite acts', action: 'Keyrite is acting, or waiting for an input', 'sign-off': 'Sign off the result' } as const;

/** Who must approve or sign, and who already has, in plain words. */
function Requirements({ current, participants, exception }: { current: NonNullable<CeremonySession['current']>; participants: CeremonySession['participants']; exception: boolean }) {
  if (current.requirements.length === 0) return null;
  const name = (id: string): string => participants.find((p) => p.id === id)?.name ?? id;
  return (
    <section aria-labelledby="requirements-title" className="requirements">
      <h3 id="requirements-title">{exception ? 'Who must sign the exception' : current.stage === 'approval' ? 'Who must approve' : 'Who must sign off'}</h3>
      <ul>
        {current.requirements.map((r) => (
          <li key={r.roles.join('+')} data-roles={r.roles.join(' ')} data-count={r.count} data-signed={r.signed.join(' ')}>
            {r.count} × {r.roles.join(' or ')}: {r.signed.length} of {r.count} signed
            {r.signed.length > 0 && ` (${r.signed.map(name).join(', ')})`}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The step now: its instruction, large and plain; what to read aloud; who acts and signs. */
export function CurrentStep({ session }: { session: CeremonySession }) {
  const current = session.current;
  if (current === null) return null;
  return (
    <section className="current-step panel" aria-labelledby="current-step-title" data-step={current.step} data-stage={current.stage}>
      <p className="hint">
        Step {current.index + 1} of {session.steps.length} · {STAGE_WORDS[current.stage]}
      </p>
      <h2 id="current-step-title">{current.title}</h2>
      <p className="instruction">{current.instruction}</p>
      {current.readAloud.length > 0 && (
        <section aria-labelledby="read-aloud-title">
          <h3 id="read-aloud-title">Read aloud and compare</h3>
          <ReadAloudList values={current.readAloud} />
        </section>
      )}
      {/* While an exception is signed, the requirements are its quorum (ceremony-view.ts), not the step's. */}
      <Requirements current={current} participants={session.participants} exception={session.request?.kind === 'signer' && session.request.stage === 'exception'} />
    </section>
  );
}
