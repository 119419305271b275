import { useId, useRef, useState, type FormEvent } from 'react';
import { sameNameKey } from '../../../shared/ceremony/same-name.ts';
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

/** A clash the engine would refuse, explained while the person types: which field, and why. */
export interface EnrolmentProblem {
  code: 'CEREMONY_ROLE_SEPARATION' | 'CEREMONY_ALREADY_ENROLLED' | 'CEREMONY_ROLE_FULL';
  field: 'id' | 'name' | 'role';
  message: string;
}

/**
 * The engine's enrolment rules (shared/ceremony/participants.ts,
 * checkEnrolment), in its order, over what the screen knows: a person (same
 * id, or same name compared as the engine compares names) is enrolled once
 * and in one role, and a role takes at most its script maximum. The engine
 * still decides: this only says before submit what it would refuse.
 */
export function enrolmentProblem(session: Pick<CeremonySession, 'roles' | 'participants'>, candidate: { id: string; name: string; role: Role }): EnrolmentProblem | null {
  const id = candidate.id.trim();
  const name = sameNameKey(candidate.name);
  for (const other of session.participants) {
    const field = id !== '' && other.id === id ? 'id' : name !== '' && sameNameKey(other.name) === name ? 'name' : null;
    if (field === null) continue;
    if (other.role !== candidate.role) {
      const roles = [other.role, candidate.role];
      const why = roles.includes('custodian') && roles.includes('witness') ? 'no one is custodian and witness in one ceremony' : 'one person holds one role';
      return { code: 'CEREMONY_ROLE_SEPARATION', field, message: `${other.name} (${other.id}) is already enrolled as ${ROLE_WORDS[other.role]}: ${why}, so Keyrite would refuse this enrolment.` };
    }
    return { code: 'CEREMONY_ALREADY_ENROLLED', field, message: `${other.name} (${other.id}) is already enrolled: each person, name and id is enrolled once.` };
  }
  const rule = session.roles.find((r) => r.role === candidate.role);
  const max = rule?.max ?? 0;
  if ((rule?.enrolled ?? 0) >= max) {
    const holders = session.participants.filter((p) => p.role === candidate.role).map((p) => p.name);
    const plural = max === 1 ? '' : 's';
    const who = holders.length > 0 ? ` (${holders.join(', ')})` : '';
    return { code: 'CEREMONY_ROLE_FULL', field: 'role', message: `The ${ROLE_WORDS[candidate.role]} role is full: the script allows at most ${max} ${ROLE_WORDS[candidate.role]}${plural} and ${rule?.enrolled ?? 0} ${rule?.enrolled === 1 ? 'is' : 'are'} enrolled${who}. Choose another role.` };
  }
  return null;
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
  const ids = { id: useId(), name: useId(), role: useId(), problem: useId() };
  const complete = request.shortfalls.length === 0;
  const problem = enrolmentProblem(session, { id, name, role });
  const describe = (field: EnrolmentProblem['field']) => (problem?.field === field ? { 'aria-invalid': true, 'aria-describedby': ids.problem } : {});

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
          <input id={ids.id} type="text" value={id} onChange={(e) => setId(e.target.value)} autoFocus={!complete} required pattern="[a-z0-9](?:[a-z0-9\-]{0,62}[a-z0-9])?" autoComplete="off" {...describe('id')} />
        </div>
        <div className="field">
          <label htmlFor={ids.name}>Full name</label>
          <input id={ids.name} type="text" value={name} onChange={(e) => setName(e.target.value)} required maxLength={128} autoComplete="off" {...describe('name')} />
        </div>
        <div className="field">
          <label htmlFor={ids.role}>Role</label>
          <select id={ids.role} value={role} onChange={(e) => setRole(e.target.value as Role)} {...describe('role')}>
            {session.roles
              .filter((r) => r.max > 0)
              .map((r) => (
                // A full role stays in the list, marked: choosing it explains why it would be refused (the engine stays the authority).
                <option key={r.role} value={r.role} label={r.enrolled >= r.max ? `${ROLE_WORDS[r.role]} (full)` : ROLE_WORDS[r.role]}>
                  {ROLE_WORDS[r.role]}
                </option>
              ))}
          </select>
        </div>
        <p id={ids.problem} className="error" role="status" data-testid="enrol-problem" data-code={problem?.code}>
          {problem?.message}
        </p>
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
