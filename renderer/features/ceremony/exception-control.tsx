import { useId, useRef, useState, type FormEvent } from 'react';
import { useKeyriteStore } from '../../store/store.ts';
import { DialogRefusal, ModalDialog } from './modal-dialog.tsx';

/**
 * The exception button, on every step: people record that something is not
 * as the script expects (expected, actual, decision); the administrator
 * and the witness quorum then sign it through the sign-off dialog. The
 * form is a modal dialog (modal-dialog.tsx): Escape or Cancel closes it
 * and gives the focus back to the button.
 */
export function ExceptionControl() {
  const raise = useKeyriteStore((s) => s.raiseException);
  const busy = useKeyriteStore((s) => s.ceremony.busy);
  const [open, setOpen] = useState(false);
  const [expected, setExpected] = useState('');
  const [actual, setActual] = useState('');
  const [refused, setRefused] = useState<string | null>(null);
  const [decision, setDecision] = useState<'continue' | 'abort'>('continue');
  const opener = useRef<HTMLButtonElement>(null);
  const ids = { title: useId(), expected: useId(), actual: useId(), decision: useId() };
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setRefused(null);
    if (await raise({ expected: expected.trim(), actual: actual.trim(), decision })) {
      setOpen(false);
      setExpected('');
      setActual('');
    } else setRefused(useKeyriteStore.getState().ceremony.error?.message ?? 'no reason given');
  };
  return (
    <>
      <button type="button" className="secondary" ref={opener} onClick={() => setOpen(true)}>
        Raise an exception…
      </button>
      {open && (
        <ModalDialog labelledBy={ids.title} opener={opener} onCancel={() => setOpen(false)}>
          {(cancel) => (
            <form className="request-form" aria-labelledby={ids.title} onSubmit={(e) => void submit(e)}>
              <h3 id={ids.title}>Raise an exception</h3>
              <div className="field">
                <label htmlFor={ids.expected}>What the script expected</label>
                <input id={ids.expected} type="text" value={expected} onChange={(e) => setExpected(e.target.value)} required maxLength={2000} />
              </div>
              <div className="field">
                <label htmlFor={ids.actual}>What actually happened</label>
                <input id={ids.actual} type="text" value={actual} onChange={(e) => setActual(e.target.value)} required maxLength={2000} />
              </div>
              <div className="field">
                <label htmlFor={ids.decision}>Decision</label>
                <select id={ids.decision} value={decision} onChange={(e) => setDecision(e.target.value === 'abort' ? 'abort' : 'continue')}>
                  <option value="continue">Continue the ceremony</option>
                  <option value="abort">Abort the ceremony</option>
                </select>
              </div>
              <DialogRefusal notDone="The exception was not recorded:" refused={refused} />
              <div className="actions">
                <button type="submit" disabled={busy || expected.trim() === '' || actual.trim() === ''}>
                  Record the exception for signing
                </button>
                <button type="button" className="secondary" onClick={cancel}>
                  Cancel
                </button>
              </div>
            </form>
          )}
        </ModalDialog>
      )}
    </>
  );
}
