import { useKeyriteStore } from '../../store/store.ts';

const PHASE_WORDS = { reading: 'Reading the bundle', verifying: 'Verifying every event, signature and checkpoint', summarising: 'Writing the report' } as const;

/** Choosing a bundle, and the progress of its verification. */
export function OpenBundlePanel() {
  const { phase, bundle, progress, error, notice } = useKeyriteStore((s) => s.auditor);
  const chooseBundle = useKeyriteStore((s) => s.chooseBundle);
  const cancelOpen = useKeyriteStore((s) => s.cancelOpen);
  const busy = phase === 'choosing' || phase === 'opening';

  return (
    <section aria-labelledby="open-title" className="panel">
      <h2 id="open-title">Open a bundle</h2>
      <p>
        An evidence bundle is the folder (or its <span className="mono">.tar</span> archive) a ceremony exported. Keyrite checks it here, offline, with no HSM and no
        network: every event&apos;s hash link, the signed checkpoints and their cosignatures, and the manifest of files.
      </p>
      {/* aria-disabled, not disabled, while a choice is open: a disabled button loses the keyboard focus (Chromium blurs it), and
          a keyboard user whose choice was cancelled would be left nowhere (found by the keyboard-only spec, under load). */}
      <div className="actions">
        <button type="button" onClick={() => void (busy || chooseBundle('folder'))} aria-disabled={busy}>
          Open bundle folder…
        </button>
        <button type="button" onClick={() => void (busy || chooseBundle('archive'))} aria-disabled={busy}>
          Open bundle archive (.tar)…
        </button>
      </div>
      <div role="status" aria-live="polite" className="progress">
        {phase === 'choosing' && <p>Waiting for a bundle to be chosen…</p>}
        {phase === 'opening' && (
          <>
            <p>
              {progress === null ? 'Opening' : PHASE_WORDS[progress.phase]} <strong>{bundle?.name}</strong>
              {progress !== null && progress.events > 0 && ` — ${progress.events.toLocaleString('en')} events`}…
            </p>
            <button type="button" className="secondary" onClick={() => void cancelOpen()}>
              Cancel
            </button>
          </>
        )}
        {notice !== null && <p>{notice}</p>}
      </div>
      {error !== null && (
        <p role="alert" className="error" data-error-code={error.code}>
          {error.message}
        </p>
      )}
    </section>
  );
}
