import { useId, useState, type FormEvent } from 'react';
import { useKeyriteStore } from '../../store/store.ts';

/** Abort, from any step: the reason is recorded, the secrets wiped, the transcript closed as aborted. */
export function AbortControl() {
  const abort = useKeyriteStore((s) => s.abortCeremony);
  const busy = useKeyriteStore((s) => s.ceremony.busy);
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const id = useId();
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (reason.trim() === '') return;
    void abort(reason.trim());
  };
  if (!open) {
    return (
      <div className="abort-control">
        <button type="button" className="danger secondary" onClick={() => setOpen(true)}>
          Abort the ceremony…
        </button>
      </div>
    );
  }
  return (
    <form className="abort-control panel" onSubmit={submit} aria-label="Abort the ceremony">
      <div className="field">
        <label htmlFor={id}>Why is the ceremony aborted? (recorded in the transcript)</label>
        <input id={id} type="text" value={reason} onChange={(e) => setReason(e.target.value)} autoFocus required maxLength={2000} />
      </div>
      <div className="actions">
        <button type="submit" className="danger" disabled={busy || reason.trim() === ''}>
          Abort now
        </button>
        <button type="button" className="secondary" onClick={() => setOpen(false)}>
          Keep going
        </button>
      </div>
    </form>
  );
}
