import { useId, useState, type FormEvent } from 'react';
import { useKeyriteStore } from '../../store/store.ts';

/**
 * The exception button, on every step: people record that something is not
 * as the script expects (expected, actual, decision); the administrator
 * and the witness quorum then sign it through the sign-off dialog.
 */
export function ExceptionControl() {
  const raise = useKeyriteStore((s) => s.raiseException);
  const busy = useKeyriteStore((s) => s.ceremony.busy);
  const [open, setOpen] = useState(false);
  const [expected, setExpected] = useState('');
  const [actual, setActual] = useState('');
  const [decision, setDecision] = useState<'continue' | 'abort'>('continue');
  const ids = { expected: useId(), actual: useId(), decision: useId() };
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (await raise({ expected: expected.trim(), actual: actual.trim(), decision })) {
      setOpen(false);
      setExpected('');
      setActual('');
    }
  };
  if (!open) {
    return (
      <button type="button" className="secondary" onClick={() => setOpen(true)}>
        Raise an exception…
      </button>
    );
  }
  return (
    <form className="panel request-form" aria-label="Raise an exception" onSubmit={(e) => void submit(e)}>
      <div className="field">
        <label htmlFor={ids.expected}>What the script expected</label>
        <input id={ids.expected} type="text" value={expected} onChange={(e) => setExpected(e.target.value)} required maxLength={2000} autoFocus />
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
      <div className="actions">
        <button type="submit" disabled={busy || expected.trim() === '' || actual.trim() === ''}>
          Record the exception for signing
        </button>
        <button type="button" className="secondary" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
