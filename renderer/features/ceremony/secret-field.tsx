/**
 * Fields for secrets a person types (passphrases, PINs). Uncontrolled, so
 * the text never enters React state or the store; `takeSecret` reads the
 * field once as UTF-8 bytes and empties it, and the bytes go straight to
 * the engine (the slice zeroes them once sent). Strength feedback is
 * computed in main (ceremony/assessPassphrase), debounced, and only the
 * verdict comes back.
 */
import { useEffect, useId, useRef, useState, type RefObject } from 'react';
import { getKeyrite } from '../../bridge.ts';

/** The field's text as bytes; the field is emptied at once. */
export function takeSecret(field: RefObject<HTMLInputElement | null>): Uint8Array<ArrayBuffer> {
  const input = field.current;
  const bytes = new TextEncoder().encode(input?.value ?? '');
  if (input !== null) input.value = '';
  return bytes;
}

/** Empties fields without reading them (a refused or cancelled answer). */
export function clearSecrets(...fields: RefObject<HTMLInputElement | null>[]): void {
  for (const f of fields) if (f.current !== null) f.current.value = '';
}

interface SecretFieldProps {
  label: string;
  field: RefObject<HTMLInputElement | null>;
  /** Shows the strength verdict from main as the person types. */
  assess?: boolean;
  autoFocus?: boolean;
  hint?: string;
  inputMode?: 'numeric' | 'text';
}

const ASSESS_DELAY_MS = 350;
type Verdict = { acceptable: boolean; strength: string; problems: string[] };

export function SecretField({ label, field, assess = false, autoFocus = false, hint, inputMode = 'text' }: SecretFieldProps) {
  const id = useId();
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  const onInput = (): void => {
    if (!assess) return;
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      const value = field.current?.value ?? '';
      if (value === '') return setVerdict(null);
      const bytes = new TextEncoder().encode(value);
      void getKeyrite()
        .ceremony.assessPassphrase({ passphrase: bytes })
        .then((result) => setVerdict(result.ok ? result.value : null))
        .finally(() => bytes.fill(0));
    }, ASSESS_DELAY_MS);
  };

  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        ref={field}
        type="password"
        autoComplete="off"
        spellCheck={false}
        inputMode={inputMode}
        autoFocus={autoFocus}
        onInput={onInput}
        aria-describedby={assess || hint !== undefined ? `${id}-note` : undefined}
      />
      <span id={`${id}-note`} className="field-note" aria-live="polite">
        {hint}
        {assess && verdict !== null && (
          <span className={`strength strength-${verdict.strength}`} data-testid="passphrase-strength">
            {' '}
            Strength: {verdict.strength.replace('-', ' ')}
            {verdict.acceptable ? '' : ' — not acceptable'}
            {verdict.problems.length > 0 ? `: ${verdict.problems.join('; ')}` : ''}
          </span>
        )}
      </span>
    </div>
  );
}
