import { useId, useRef, useState, type FormEvent } from 'react';
import type { PendingRequest } from '../../../shared/contract/ceremony.ts';
import type { CeremonySession } from '../../store/ceremony-slice.ts';
import { useKeyriteStore } from '../../store/store.ts';
import { ModalDialog } from './modal-dialog.tsx';
import { RefusalNotice } from './refusal-notice.tsx';
import { SecretField, clearSecrets, takeSecret } from './secret-field.tsx';

type SignerRequest = Extract<PendingRequest, { kind: 'signer' }>;

const STAGE_TITLE = { approval: 'Approve this step', 'sign-off': 'Sign off this step', exception: 'Sign the exception' } as const;

/** The first enrolled person who may still sign: the form suggests them, anyone may be chosen. */
function suggested(session: CeremonySession): string {
  const requirements = session.current?.requirements ?? [];
  const signed = new Set(requirements.flatMap((r) => r.signed));
  for (const r of requirements) {
    if (r.signed.length >= r.count) continue;
    const next = session.participants.find((p) => (r.roles as string[]).includes(p.role) && !signed.has(p.id));
    if (next !== undefined) return next.id;
  }
  return session.participants[0]?.id ?? '';
}

/** Who signs an exception and who still must: the engine's view gives its quorum while it is being signed. */
function ExceptionQuorum({ session }: { session: CeremonySession }) {
  const requirements = session.current?.requirements ?? [];
  const name = (id: string): string => session.participants.find((p) => p.id === id)?.name ?? id;
  const still = requirements.filter((r) => r.signed.length < r.count).map((r) => `${r.count - r.signed.length} × ${r.roles.join(' or ')}`);
  const signed = requirements.flatMap((r) => r.signed).map(name);
  return (
    <p className="hint" data-testid="exception-quorum">
      An exception is signed by {requirements.map((r) => `${r.count} × ${r.roles.join(' or ')}`).join(' and ')}.{' '}
      {signed.length > 0 && `Signed: ${signed.join(', ')}. `}
      {still.length > 0 && `Still needed: ${still.join(' and ')}.`}
    </p>
  );
}

/**
 * A sign-off bound to the step, in a modal dialog that opens as soon as the
 * engine asks for a signature: who signs, and their passphrase (never
 * echoed, cleared after submit). Escape or "Not now" closes it without
 * signing (the engine still waits; the button in the request panel opens
 * it again). While it is open the page behind is inert, so the engine's
 * refusal of the last signature is shown inside it, not behind it.
 */
export function SignOffForm({ request, session }: { request: SignerRequest; session: CeremonySession }) {
  const answer = useKeyriteStore((s) => s.answer);
  const busy = useKeyriteStore((s) => s.ceremony.busy);
  const [signer, setSigner] = useState(() => suggested(session));
  const [open, setOpen] = useState(true);
  const passphrase = useRef<HTMLInputElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const ids = { select: useId(), title: useId(), binding: useId() };
  const step = session.steps.find((s) => s.id === request.step);
  const binding = `Your signature covers ${request.stage === 'exception' ? 'the exception raised at ' : ''}step ${step === undefined ? request.step : `${step.index + 1}, “${step.title}”`} of this run only.`;

  const sign = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    await answer({ command: 'ceremony/signOff', request: { participantId: signer, passphrase: takeSecret(passphrase) } });
    clearSecrets(passphrase);
  };

  return (
    <div className="sign-off-request">
      <p>{binding}</p>
      {!open && <RefusalNotice />}
      <div className="actions">
        <button type="button" ref={opener} onClick={() => setOpen(true)}>
          {STAGE_TITLE[request.stage]}…
        </button>
      </div>
      {open && (
        <ModalDialog className="sign-off" labelledBy={ids.title} describedBy={ids.binding} opener={opener} onCancel={() => setOpen(false)}>
          {(cancel) => (
            <form className="request-form" aria-labelledby={ids.title} onSubmit={(e) => void sign(e)}>
              <h3 id={ids.title}>{STAGE_TITLE[request.stage]}</h3>
              <p id={ids.binding} className="hint">
                {binding}
              </p>
              <RefusalNotice />
              {request.stage === 'exception' && <ExceptionQuorum session={session} />}
              <div className="field">
                <label htmlFor={ids.select}>Who signs</label>
                <select id={ids.select} value={signer} onChange={(e) => setSigner(e.target.value)}>
                  {session.participants.map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.name} — {p.role}
                    </option>
                  ))}
                </select>
              </div>
              <SecretField label="Their signing passphrase" field={passphrase} />
              <div className="actions">
                <button type="submit" disabled={busy || signer === ''}>
                  Sign
                </button>
                <button type="button" className="secondary" onClick={cancel}>
                  Not now
                </button>
              </div>
            </form>
          )}
        </ModalDialog>
      )}
    </div>
  );
}
