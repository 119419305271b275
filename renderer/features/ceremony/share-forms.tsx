import { useId, useRef, useState, type FormEvent } from 'react';
import type { PendingRequest } from '../../../shared/contract/ceremony.ts';
import type { CeremonySession } from '../../store/ceremony-slice.ts';
import { useKeyriteStore } from '../../store/store.ts';
import { SecretField, clearSecrets, takeSecret } from './secret-field.tsx';
import { ShareWordsField, takeWords } from './share-words-field.tsx';
import { useChoices } from './use-choices.ts';

type Req<K extends PendingRequest['kind']> = Extract<PendingRequest, { kind: K }>;

/** The custodian named sets the passphrase that seals their share, twice, with strength feedback from main. */
export function SealPassphraseForm({ request }: { request: Req<'seal-passphrase'> }) {
  const answer = useKeyriteStore((s) => s.answer);
  const busy = useKeyriteStore((s) => s.ceremony.busy);
  const passphrase = useRef<HTMLInputElement>(null);
  const confirmation = useRef<HTMLInputElement>(null);
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    await answer({ command: 'ceremony/submit', request: { input: { kind: 'seal-passphrase', passphrase: takeSecret(passphrase), confirmation: takeSecret(confirmation) } } });
    clearSecrets(passphrase, confirmation);
  };
  return (
    <form className="request-form" aria-labelledby="seal-title" onSubmit={(e) => void submit(e)}>
      <h3 id="seal-title">{request.custodianName}: choose the passphrase that seals your share</h3>
      <p className="hint">Only {request.custodianName} types it. It opens this share at a recovery; Keyrite never shows it again.</p>
      <SecretField label={`Share passphrase for ${request.custodianName}`} field={passphrase} assess autoFocus />
      <SecretField label={`Share passphrase for ${request.custodianName} again`} field={confirmation} />
      <div className="actions">
        <button type="submit" disabled={busy}>
          Seal the share
        </button>
      </div>
    </form>
  );
}

/** Where the custodian's share is written: a detected removable medium, or the rehearsal's own folder. */
export function ShareMediumForm({ request }: { request: Req<'share-medium'> }) {
  const answer = useKeyriteStore((s) => s.answer);
  const busy = useKeyriteStore((s) => s.ceremony.busy);
  const offered = useChoices(request.id);
  const [folder, setFolder] = useState<string>('');
  const group = useId();
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    void answer({ command: 'ceremony/submit', request: { input: { kind: 'share-medium', folder: folder === '' ? null : folder } } });
  };
  return (
    <form className="request-form" aria-labelledby="medium-title" onSubmit={submit}>
      <h3 id="medium-title">{request.custodianName}: where is your share written?</h3>
      {offered === null ? (
        <p role="status">Looking for removable media…</p>
      ) : (
        <fieldset>
          <legend id={group}>Medium for {request.custodianName}&apos;s share</legend>
          {offered.defaultLabel !== null && (
            <label className="choice">
              <input type="radio" name={group} value="" checked={folder === ''} onChange={() => setFolder('')} autoFocus />
              {offered.defaultLabel}
            </label>
          )}
          {offered.choices.map((c) => (
            <label key={c.folder} className="choice">
              <input type="radio" name={group} value={c.folder} checked={folder === c.folder} onChange={() => setFolder(c.folder)} disabled={c.readOnly} />
              {c.label}
              {c.readOnly ? ' (read-only)' : ''}
            </label>
          ))}
        </fieldset>
      )}
      <div className="actions">
        <button type="submit" disabled={busy || offered === null}>
          Write the share here
        </button>
      </div>
    </form>
  );
}

/** Shares presented one at a time for a recovery or an audit: k of M, who, from which medium or paper form, their passphrase; or no more. */
export function ShareForm({ request, session }: { request: Req<'share'>; session: CeremonySession }) {
  const answer = useKeyriteStore((s) => s.answer);
  const busy = useKeyriteStore((s) => s.ceremony.busy);
  const offered = useChoices(request.id);
  const waiting = request.expected.filter((c) => !request.accepted.includes(c));
  const [custodian, setCustodian] = useState(waiting[0] ?? '');
  const [medium, setMedium] = useState('');
  const presented = useKeyriteStore((s) => s.ceremony.sharesPresentedBy);
  const setPresented = useKeyriteStore((s) => s.presentSharesBy);
  const [sent, setSent] = useState(0);
  const passphrase = useRef<HTMLInputElement>(null);
  const words = useRef<HTMLTextAreaElement>(null);
  const ids = { custodian: useId(), medium: useId(), presented: useId() };
  const name = (id: string): string => session.participants.find((p) => p.id === id)?.name ?? id;
  const media = (offered?.choices ?? []).filter((c) => c.kind === 'removable' || c.folder.replace(/\\/g, '/').endsWith(`/media/${custodian}`));
  const chosenMedium = media.some((m) => m.folder === medium) ? medium : (media[0]?.folder ?? '');

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    // Both fields are emptied whatever the engine answers: a refused share is typed again, never kept.
    const input =
      presented === 'words'
        ? { kind: 'share-words' as const, custodian, words: takeWords(words), passphrase: takeSecret(passphrase) }
        : { kind: 'share' as const, custodian, medium: chosenMedium, passphrase: takeSecret(passphrase) };
    setSent((n) => n + 1);
    await answer({ command: 'ceremony/submit', request: { input } });
    clearSecrets(passphrase);
  };

  return (
    <div className="share-entry">
      <p className="progress" data-testid="share-progress">
        <progress max={request.threshold ?? request.expected.length} value={request.accepted.length} aria-label="Shares accepted" />{' '}
        {request.accepted.length} of {request.threshold ?? request.expected.length} shares accepted
        {request.accepted.length > 0 && ` (${request.accepted.map(name).join(', ')})`}
      </p>
      <form className="request-form" aria-labelledby="share-title" onSubmit={(e) => void submit(e)}>
        <h3 id="share-title">Present a share</h3>
        <div className="field">
          <label htmlFor={ids.custodian}>Custodian presenting</label>
          <select id={ids.custodian} value={custodian} onChange={(e) => setCustodian(e.target.value)} autoFocus>
            {waiting.map((c) => (
              <option key={c} value={c}>
                {name(c)}
              </option>
            ))}
          </select>
        </div>
        <fieldset>
          <legend>How the share is presented</legend>
          <label className="choice">
            <input type="radio" name={ids.presented} value="file" checked={presented === 'file'} onChange={() => setPresented('file')} />
            Share file on the medium
          </label>
          <label className="choice">
            <input type="radio" name={ids.presented} value="words" checked={presented === 'words'} onChange={() => setPresented('words')} />
            Type the words from the paper form
          </label>
        </fieldset>
        {presented === 'file' ? (
          <div className="field">
            <label htmlFor={ids.medium}>Medium holding the share</label>
            <select id={ids.medium} value={chosenMedium} onChange={(e) => setMedium(e.target.value)}>
              {media.map((m) => (
                <option key={m.folder} value={m.folder}>
                  {m.label}
                </option>
              ))}
            </select>
          </div>
        ) : (
          <ShareWordsField key={custodian} label={`Words from ${name(custodian)}'s paper form`} field={words} generation={sent} />
        )}
        <SecretField label="Share passphrase" field={passphrase} />
        <div className="actions">
          <button type="submit" disabled={busy || custodian === '' || (presented === 'file' && chosenMedium === '')}>
            Present this share
          </button>
        </div>
      </form>
      <div className="actions">
        <button type="button" className="secondary" disabled={busy} onClick={() => void answer({ command: 'ceremony/submit', request: { input: { kind: 'no-more-shares' } } })}>
          No more shares
        </button>
        {/* A recovery's collection can start again; a custody audit's proofs each stand on their own. */}
        {request.accepted.length > 0 && session.steps.find((s) => s.id === request.step)?.action === 'shares.collect' && <StartOver accepted={request.accepted.map(name)} />}
      </div>
    </div>
  );
}

/** Start the collection again: asked once, then confirmed, as it discards every share accepted so far. */
function StartOver({ accepted }: { accepted: readonly string[] }) {
  const answer = useKeyriteStore((s) => s.answer);
  const busy = useKeyriteStore((s) => s.ceremony.busy);
  const [confirming, setConfirming] = useState(false);
  if (!confirming) {
    return (
      <button type="button" className="secondary" disabled={busy} onClick={() => setConfirming(true)}>
        Start over…
      </button>
    );
  }
  return (
    <div role="group" aria-labelledby="start-over-question" className="confirm">
      <p id="start-over-question">
        Discard the {accepted.length === 1 ? 'share' : `${accepted.length} shares`} accepted so far ({accepted.join(', ')}) and collect again from the first? This is recorded.
      </p>
      <button type="button" className="danger" disabled={busy} autoFocus onClick={() => void answer({ command: 'ceremony/submit', request: { input: { kind: 'start-over-shares' } } }).then(() => setConfirming(false))}>
        Discard them and start over
      </button>
      <button type="button" className="secondary" onClick={() => setConfirming(false)}>
        Keep them
      </button>
    </div>
  );
}
