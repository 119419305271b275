import { useId, useRef, useState, type FormEvent, type RefObject } from 'react';
import { useKeyriteStore } from '../../store/store.ts';
import { DialogRefusal, ModalDialog } from './modal-dialog.tsx';

/**
 * Abort, from any step: the reason is recorded, the secrets wiped, the
 * transcript closed as aborted. The form is a modal dialog, like the
 * sign-off and exception dialogs (modal-dialog.tsx): the page behind is
 * inert while the reason is typed, Tab stays inside, and Escape or "Keep
 * going" closes it and gives the focus back to the button.
 */
export function AbortControl() {
  const abort = useKeyriteStore((s) => s.abortCeremony);
  const busy = useKeyriteStore((s) => s.ceremony.busy);
  const [open, setOpen] = useState(false);
  const [refused, setRefused] = useState<string | null>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const submit = async (reason: string): Promise<void> => {
    setRefused(null);
    await abort(reason);
    // Aborted: the ceremony screen shows the outcome and this control is gone. Turned down: say why, here.
    const error = useKeyriteStore.getState().ceremony.error;
    if (error !== null) setRefused(`${error.message} (${error.code})`);
  };
  return (
    <div className="abort-control">
      <button type="button" className="danger secondary" ref={opener} onClick={() => setOpen(true)}>
        Abort the ceremony…
      </button>
      {open && (
        <AbortDialog
          opener={opener}
          busy={busy}
          refused={refused}
          onAbort={(reason) => void submit(reason)}
          onCancel={() => {
            setRefused(null);
            setOpen(false);
          }}
        />
      )}
    </div>
  );
}

interface AbortDialogProps {
  opener: RefObject<HTMLElement | null>;
  busy: boolean;
  /** Why the engine did not abort, in its words; shown inside the dialog because the page behind it is inert. */
  refused: string | null;
  onAbort: (reason: string) => void;
  onCancel: () => void;
}

/** The abort form in its modal dialog: a reason is required (it is recorded in the transcript). */
export function AbortDialog({ opener, busy, refused, onAbort, onCancel }: AbortDialogProps) {
  const [reason, setReason] = useState('');
  const ids = { title: useId(), reason: useId() };
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (reason.trim() !== '') onAbort(reason.trim());
  };
  return (
    <ModalDialog labelledBy={ids.title} opener={opener} onCancel={onCancel}>
      {(cancel) => (
        <form className="request-form" aria-labelledby={ids.title} onSubmit={submit}>
          <h3 id={ids.title}>Abort the ceremony</h3>
          <div className="field">
            <label htmlFor={ids.reason}>Why is the ceremony aborted? (recorded in the transcript)</label>
            <input id={ids.reason} type="text" value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={2000} />
          </div>
          <DialogRefusal notDone="The ceremony was not aborted:" refused={refused} />
          <div className="actions">
            <button type="submit" className="danger" disabled={busy || reason.trim() === ''}>
              Abort now
            </button>
            <button type="button" className="secondary" onClick={cancel}>
              Keep going
            </button>
          </div>
        </form>
      )}
    </ModalDialog>
  );
}
