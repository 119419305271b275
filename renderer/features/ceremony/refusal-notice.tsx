import { useKeyriteStore } from '../../store/store.ts';

/**
 * The engine's reason, in its words, when it refused what was just given:
 * a refusal the runner recorded (asked again) or a command it turned down.
 * Announced at once to screen readers (role=alert, named "Not accepted").
 * The engine's code is shown too: it is what a support desk or the
 * transcript's reader looks up (docs/), and what a spec compares.
 */
export function RefusalNotice() {
  const refusal = useKeyriteStore((s) => s.ceremony.session?.lastRefusal ?? null);
  const error = useKeyriteStore((s) => s.ceremony.error);
  return (
    <div className="refusal-region" role="alert" aria-label="Not accepted">
      {refusal !== null && (
        <p className="refusal" data-testid="ceremony-refusal" data-code={refusal.code}>
          <strong>Not accepted, please try again:</strong> {refusal.message} <code className="refusal-code">{refusal.code}</code>
        </p>
      )}
      {error !== null && (
        <p className="refusal" data-testid="ceremony-error" data-code={error.code}>
          <strong>Not accepted:</strong> {error.message} <code className="refusal-code">{error.code}</code>
        </p>
      )}
    </div>
  );
}
