import { useKeyriteStore } from '../../store/store.ts';

/**
 * The engine's reason, in its words, when it refused what was just given:
 * a refusal the runner recorded (asked again) or a command it turned down.
 * Announced at once to screen readers (role=alert).
 */
export function RefusalNotice() {
  const refusal = useKeyriteStore((s) => s.ceremony.session?.lastRefusal ?? null);
  const error = useKeyriteStore((s) => s.ceremony.error);
  return (
    <div className="refusal-region" role="alert">
      {refusal !== null && (
        <p className="refusal" data-testid="ceremony-refusal" data-code={refusal.code}>
          <strong>Not accepted, please try again:</strong> {refusal.message}
        </p>
      )}
      {error !== null && (
        <p className="refusal" data-testid="ceremony-error" data-code={error.code}>
          <strong>Not accepted:</strong> {error.message}
        </p>
      )}
    </div>
  );
}
