import { useEffect } from 'react';
import { useKeyriteStore } from '../../store/store.ts';
import { StartCeremonyPanel } from '../ceremony/start-panel.tsx';
import { DevicesPanel } from '../devices/devices-panel.tsx';
import { TokenTable } from './token-table.tsx';

/**
 * The first screen. It is usable before any HSM call returns: the token
 * list loads in the background and says so.
 */
export function HomeScreen() {
  const tokenList = useKeyriteStore((s) => s.tokenList);
  const tokensError = useKeyriteStore((s) => s.tokensError);
  const tokensLoading = useKeyriteStore((s) => s.tokensLoading);
  const loadTokens = useKeyriteStore((s) => s.loadTokens);
  const goTo = useKeyriteStore((s) => s.goTo);

  useEffect(() => {
    void loadTokens();
  }, [loadTokens]);

  return (
    <main className="home" aria-labelledby="home-title">
      <h1 id="home-title">Key ceremonies</h1>
      <StartCeremonyPanel />
      <section aria-labelledby="audit-title" className="home-audit">
        <h2 id="audit-title">Audit</h2>
        <p>Check a finished ceremony&apos;s evidence bundle offline: every event, signature and checkpoint, with a report to print.</p>
        <button type="button" onClick={() => goTo('auditor')}>
          Open an evidence bundle for audit
        </button>
      </section>
      <section aria-labelledby="tokens-title" aria-busy={tokensLoading}>
        <div className="section-head">
          <h2 id="tokens-title">HSM tokens</h2>
          <button type="button" onClick={() => void loadTokens()} disabled={tokensLoading}>
            Refresh tokens
          </button>
        </div>
        {tokenList !== null && (
          <p className="module-line">
            Module: <span className="mono">{tokenList.module.path}</span> — {tokenList.module.manufacturer} {tokenList.module.description}{' '}
            (library {tokenList.module.libraryVersion}, PKCS#11 {tokenList.module.cryptokiVersion})
          </p>
        )}
        {tokensLoading && tokenList === null && <p role="status">Reading the HSM tokens…</p>}
        {tokensError !== null && (
          <p role="alert" className="error" data-error-code={tokensError.code}>
            {tokensError.message}
          </p>
        )}
        {tokenList !== null && <TokenTable tokens={tokenList.tokens} />}
      </section>
      <DevicesPanel />
    </main>
  );
}
