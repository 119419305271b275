import { useId, useRef, useState, type FormEvent } from 'react';
import type { PendingRequest } from '../../../shared/contract/ceremony.ts';
import { useKeyriteStore } from '../../store/store.ts';
import { SecretField, clearSecrets, takeSecret } from './secret-field.tsx';
import { useChoices } from './use-choices.ts';

type Req<K extends PendingRequest['kind']> = Extract<PendingRequest, { kind: K }>;

export function PinForm({ request }: { request: Req<'pin'> }) {
  const answer = useKeyriteStore((s) => s.answer);
  const busy = useKeyriteStore((s) => s.ceremony.busy);
  const pin = useRef<HTMLInputElement>(null);
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    await answer({ command: 'ceremony/submit', request: { input: { kind: 'pin', pin: takeSecret(pin) } } });
    clearSecrets(pin);
  };
  return (
    <form className="request-form" aria-labelledby="pin-title" onSubmit={(e) => void submit(e)}>
      <h3 id="pin-title">Log in to HSM {request.hsm}</h3>
      {request.tokenLabel !== null && <p className="hint">Token: {request.tokenLabel}</p>}
      <SecretField label={`PIN for HSM ${request.hsm}`} field={pin} autoFocus inputMode="numeric" />
      <div className="actions">
        <button type="submit" disabled={busy}>
          Log in
        </button>
      </div>
    </form>
  );
}

/** `HH:MM[:SS]` today (UTC), or a full `YYYY-MM-DD HH:MM[:SS]`, as an ISO instant; null when it is neither. */
export function parseWitnessTime(typed: string, today: Date): string | null {
  const text = typed.trim();
  const full = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)Z?$/.exec(text);
  const time = /^(\d{2}:\d{2}(?::\d{2})?)$/.exec(text);
  const date = full?.[1] ?? (time === null ? null : today.toISOString().slice(0, 10));
  const clock = full?.[2] ?? time?.[1];
  if (date === null || clock === undefined) return null;
  const instant = new Date(`${date}T${clock.length === 5 ? `${clock}:00` : clock}Z`);
  return Number.isNaN(instant.getTime()) ? null : instant.toISOString();
}

export function WitnessTimeForm({ request }: { request: Req<'witness-time'> }) {
  const answer = useKeyriteStore((s) => s.answer);
  const busy = useKeyriteStore((s) => s.ceremony.busy);
  const [typed, setTyped] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const id = useId();
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const time = parseWitnessTime(typed, new Date());
    if (time === null) return setProblem('Type the time as HH:MM:SS (UTC), or as YYYY-MM-DD HH:MM:SS.');
    setProblem(null);
    void answer({ command: 'ceremony/submit', request: { input: { kind: 'witness-time', time } } });
  };
  return (
    <form className="request-form" aria-labelledby="witness-time-title" onSubmit={submit}>
      <h3 id="witness-time-title">Witness: the time on your reference clock</h3>
      <p className="hint">
        Read the UTC time aloud from your own clock; it is typed here and compared with this computer&apos;s clock
        {request.maxSkewSeconds === null ? '' : ` (at most ${request.maxSkewSeconds} seconds apart)`}.
      </p>
      <div className="field">
        <label htmlFor={id}>UTC time read by the witness (HH:MM:SS)</label>
        <input id={id} type="text" value={typed} onChange={(e) => setTyped(e.target.value)} autoFocus required autoComplete="off" aria-invalid={problem !== null} aria-describedby={`${id}-problem`} />
        <span id={`${id}-problem`} className="error" role="status">
          {problem}
        </span>
      </div>
      <div className="actions">
        <button type="submit" disabled={busy}>
          Record the time
        </button>
      </div>
    </form>
  );
}

export function CustodySerialForm({ request }: { request: Req<'custody-serial'> }) {
  const answer = useKeyriteStore((s) => s.answer);
  const busy = useKeyriteStore((s) => s.ceremony.busy);
  const [typed, setTyped] = useState('');
  const [readBack, setReadBack] = useState('');
  const ids = { typed: useId(), readBack: useId() };
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    void answer({ command: 'ceremony/submit', request: { input: { kind: 'custody-serial', typed: typed.trim(), readBack: readBack.trim() } } });
  };
  return (
    <form className="request-form" aria-labelledby="serial-title" onSubmit={submit}>
      <h3 id="serial-title">
        Serial of the {request.item.kind}: {request.item.label}
      </h3>
      <div className="field">
        <label htmlFor={ids.typed}>Serial typed by the administrator</label>
        <input id={ids.typed} type="text" value={typed} onChange={(e) => setTyped(e.target.value)} autoFocus required autoComplete="off" />
      </div>
      <div className="field">
        <label htmlFor={ids.readBack}>Serial read back by a witness</label>
        <input id={ids.readBack} type="text" value={readBack} onChange={(e) => setReadBack(e.target.value)} required autoComplete="off" />
      </div>
      <div className="actions">
        <button type="submit" disabled={busy}>
          Record the serial
        </button>
      </div>
    </form>
  );
}

const PURPOSE_WORDS = { 'share-set': 'the share set it recorded', 'custody-serials': 'the custody serials it recorded', key: 'the key it recorded' } as const;

export function PreviousBundleForm({ request }: { request: Req<'previous-bundle'> }) {
  const answer = useKeyriteStore((s) => s.answer);
  const busy = useKeyriteStore((s) => s.ceremony.busy);
  const offered = useChoices(request.id);
  // Custody serials may have no earlier ceremony to compare with (the first one); a share set or a key must come from one.
  const optional = request.purpose === 'custody-serials';
  const NONE = 'none';
  const [folder, setFolder] = useState('');
  const id = useId();
  const chosen = folder !== '' ? folder : optional ? NONE : (offered?.choices[0]?.folder ?? '');
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    void answer({ command: 'ceremony/submit', request: { input: { kind: 'previous-bundle', folder: chosen === NONE ? null : chosen } } });
  };
  return (
    <form className="request-form" aria-labelledby="previous-title" onSubmit={submit}>
      <h3 id="previous-title">Choose the earlier ceremony&apos;s evidence bundle</h3>
      <p className="hint">Keyrite verifies it and reads {PURPOSE_WORDS[request.purpose]} from it.</p>
      {offered !== null && offered.choices.length === 0 && !optional && <p className="error">No earlier ceremony in this data folder has an evidence bundle.</p>}
      <div className="field">
        <label htmlFor={id}>Earlier ceremony</label>
        <select id={id} value={chosen} onChange={(e) => setFolder(e.target.value)} autoFocus>
          {optional && <option value={NONE}>None: no earlier ceremony to compare the serials with</option>}
          {(offered?.choices ?? []).map((c) => (
            <option key={c.folder} value={c.folder}>
              {c.label}
            </option>
          ))}
        </select>
      </div>
      <div className="actions">
        <button type="submit" disabled={busy || chosen === ''}>
          Use this bundle
        </button>
      </div>
    </form>
  );
}
