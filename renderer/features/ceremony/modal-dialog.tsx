import { useEffect, useRef, type KeyboardEvent, type ReactNode, type RefObject } from 'react';

/** What Tab may reach inside the dialog, in document order (WAI-ARIA APG, dialog pattern: "Tab" and "Shift + Tab"). */
const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

function focusables(dialog: HTMLDialogElement): HTMLElement[] {
  return [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.getClientRects().length > 0);
}

interface ModalDialogProps {
  /** Id of the dialog's heading (its accessible name). */
  labelledBy: string;
  describedBy?: string;
  className?: string;
  /** The control that opened the dialog: it gets the focus back when the dialog is cancelled. */
  opener: RefObject<HTMLElement | null>;
  /** Escape, or the dialog's own cancel button: the person closed it without answering. */
  onCancel: () => void;
  /** The content, given the cancel its own Cancel button calls. */
  children: (cancel: () => void) => ReactNode;
}

/**
 * A true modal, as the HTML standard's `<dialog>` gives it: `showModal()`
 * puts it in the top layer and makes the rest of the page inert (not
 * focusable, not clickable, hidden from assistive technology; HTML §6.3.3),
 * and Escape fires `cancel`. Two things the element does not do are added
 * here, as the WAI-ARIA dialog pattern asks: Tab from the last control
 * comes back to the first (and Shift+Tab from the first goes to the last)
 * instead of leaving for the browser's own interface, and a cancelled dialog
 * gives the focus back to the control that opened it. The dialog is shown
 * while mounted; whoever renders it decides when it goes away. An answered
 * dialog gives no focus back: the engine's next question takes it.
 */
export function ModalDialog({ labelledBy, describedBy, className, opener, onCancel, children }: ModalDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancelled = useRef(false);

  useEffect(() => {
    const element = dialog.current;
    // The opener outlives the dialog (it is what opens it again).
    const back = opener.current;
    if (element === null) return;
    if (!element.open) element.showModal();
    focusables(element)[0]?.focus();
    return () => {
      if (element.open) element.close();
      // After React removed the dialog: the opener is no longer inert.
      if (cancelled.current) queueMicrotask(() => back?.focus());
    };
  }, [opener]);

  const cancel = (): void => {
    cancelled.current = true;
    onCancel();
  };

  const trapTab = (event: KeyboardEvent<HTMLDialogElement>): void => {
    if (event.key !== 'Tab' || dialog.current === null) return;
    const inside = focusables(dialog.current);
    const [first, last] = [inside[0], inside.at(-1)];
    if (first === undefined || last === undefined) return;
    const at = document.activeElement;
    if (event.shiftKey && (at === first || !dialog.current.contains(at))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (at === last || !dialog.current.contains(at))) {
      event.preventDefault();
      first.focus();
    }
  };

  return (
    <dialog
      ref={dialog}
      className={`modal ${className ?? ''}`}
      aria-labelledby={labelledBy}
      aria-describedby={describedBy}
      onKeyDown={trapTab}
      onCancel={(event) => {
        // Escape: React unmounts the dialog (onCancel), which closes it; the browser must not close it behind React's back.
        event.preventDefault();
        cancel();
      }}
      onClose={(event) => {
        // A close React did not ask for: Chromium closes a dialog on Escape without a cancellable cancel event when the
        // page has had no user activation since (the close watcher's anti-abuse rule, HTML "close requests").
        if (!event.currentTarget.open && !cancelled.current) cancel();
      }}
    >
      {children(cancel)}
    </dialog>
  );
}

/**
 * Why the engine did not do what the dialog asked, said inside the dialog:
 * the page behind it is inert, so a notice there would go unseen and
 * unheard. The alert region is always there, so a screen reader announces
 * the refusal when it appears.
 */
export function DialogRefusal({ notDone, refused }: { notDone: string; refused: string | null }) {
  return (
    <p className="refusal-region" role="alert">
      {refused !== null && (
        <span className="refusal">
          <strong>{notDone}</strong> {refused}
        </span>
      )}
    </p>
  );
}
