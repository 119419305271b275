import { useId, useRef, useState, type FormEvent } from 'react';
import type { PendingRequest } from '../../../shared/contract/ceremony.ts';
import type { CeremonySession } from '../../store/ceremony-slice.ts';
import { useKeyriteStore } from '../../store/store.ts';
import { SecretField, clearSecrets, takeSecret } from './secret-field.tsx';

type Role = CeremonySession['roles'][number]['role'];
type ParticipantRequest = Extract<PendingRequest, { kind: 'participant' }>;

const ROLE_WORDS: Record<Role, string> = { administrator: 'administrator', custodian: 'custodian', witness: 'witness', observer: 'observer' };

/** The script's cast, and the rules the engine enforces, before anyone is refused. */
function RoleRules({ roles }: { roles: CeremonySession['roles'] }) {
  return (
    <section aria-labelledby="role-rules-title" className="role-rules">
      <h3 id="role-rules-title">Who this ceremony needs</h3>
      <ul>
        {roles
          .filter((r) => r.max > 0)
          .map((r) => (
            <li key={r.role} data-role={r.role}>
              {ROLE_WORDS[r.role]}: {r.min === r.max ? `exactly ${r.min}` : `${r.min} to ${r.max}`} — {r.enrolled} enrolled
              {r.enrolled >= r.max ? ' (full: no more can enrol)' : r.enrolled < r.min ? ` (${r.min - r.enrolled} still needed)` : ''}
            </li>
          ))}
      </ul>
      <p className="hint">One person holds one role; no one is custodian and witness in the same ceremony; each name and id is used once.</p>
    </section>
  );
}

/** The role still most needed: the form suggests it, the person may change it. */
function suggestedRole(roles: CeremonySession['roles']): Role {
  return roles.find((r) => r.enrolled < r.min)?.role ?? roles.find((r) => r.enrolled < r.max)?.role ?? 'observer';
}

/** Each participant gives an id, name and role and sets their signing passphrase (twice). */
export function EnrolForm({ request, session }: { request: ParticipantRequest; session: CeremonySession }) {
  const answer = useKeyriteStore((s) => s.answer);
  const busy = useKeyriteStore((s) => s.ceremony.busy);
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>(() => suggestedRole(session.roles));
  const passphrase = useRef<HTMLInputElement>(null);
  const confirmation = useRef<HTMLInputElement>(null);
  const ids = { id: useId(), name: useId(), role: useId() };
  const complete = request.shortfalls.length === 0;

  const enrol = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const taken = await answer({ command: 'ceremony/enrol', request: { id: id.trim(), name: name.trim(), role, passphrase: takeSecret(passphrase), confirmation: takeSecret(confirmation) } });
    clearSecrets(passphrase, confirmation);
    if (taken) {
      setId('');
      setName('');
    }
  };

  return (
    <div className="enrolment">
      <RoleRules roles={session.roles} />
      {session.participants.length > 0 && (
        <section aria-labelledby="enrolled-title">
          <h3 id="enrolled-title">Enrolled</h3>
          <ul className="enrolled" aria-label="Enrolled participants">
            {session.participants.map((p) => (
              <li key={p.id}>
                {p.name} ({p.id}) — {p.role}
              </li>
            ))}
          </ul>
        </section>
      )}
      <form onSubmit={(e) => void enrol(e)} aria-labelledby="enrol-form-title" className="request-form">
        <h3 id="enrol-form-title">Enrol a participant</h3>
        <div className="field">
          <label htmlFor={ids.id}>Participant id (lower-case letters, digits, hyphens)</label>
          <input id={ids.id} type="text" value={id} onChange={(e) => setId(e.target.value)} autoFocus={!complete} required pattern="[a-z0-9](?:[a-z0-9\-]{0,62}[a-z0-9])?" autoComplete="off" />
        </div>
        <div className="field">
          <label htmlFor={ids.name}>Full name</label>
          <input id={ids.name} type="text" value={name} onChange={(e) => setName(e.target.value)} required maxLength={128} autoComplete="off" />
        </div>
        <div className="field">
          <label htmlFor={ids.role}>Role</label>
          <select id={ids.role} value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {session.roles
              .filter((r) => r.max > 0)
              .map((r) => (
                <option key={r.role} value={r.role}>
                  {ROLE_WORDS[r.role]}
                </option>
              ))}
          </select>
        </div>
        <SecretField label="Signing passphrase" field={passphrase} assess />
        <SecretField label="Signing passphrase again" field={confirmation} />
        <div className="actions">
          <button type="submit" disabled={busy}>
            Enrol this participant
          </button>
        </div>
      </form>
      <section aria-labelledby="enrolment-complete-title" className="request-form">
        <h3 id="enrolment-complete-title">When everyone is enrolled</h3>
        {request.shortfalls.length > 0 ? (
          <ul className="shortfalls" aria-label="Still needed">
            {request.shortfalls.map((s) => (
              <li key={s}>Still needed: {s}</li>
            ))}
          </ul>
        ) : (
          <p>Everyone the script needs is enrolled. Observers may still enrol.</p>
        )}
        <button type="button" disabled={busy} autoFocus={complete} onClick={() => void answer({ command: 'ceremony/enrolmentComplete', request: {} })}>
          Enrolment complete
        </button>
      </section>
    </div>
  );
}
