import { useEffect, useId, useState, type ChangeEvent } from 'react';
import type { ScriptSummary } from '../../../shared/contract/ceremony.ts';
import { useKeyriteStore } from '../../store/store.ts';

type EarlierRun = Awaited<ReturnType<ReturnType<typeof useKeyriteStore.getState>['earlierRuns']>>[number];

/** A script acting on a key an earlier ceremony made (destruction): which earlier run's HSM tokens it acts on. */
function EarlierRunChoice({ value, onChange }: { value: string; onChange(handle: string): void }) {
  const load = useKeyriteStore((s) => s.earlierRuns);
  const [runs, setRuns] = useState<EarlierRun[] | null>(null);
  const id = useId();
  useEffect(() => {
    let live = true;
    void load().then((found) => {
      if (!live) return;
      setRuns(found);
      if (found[0] !== undefined) onChange(found[0].handle);
    });
    return () => {
      live = false;
    };
  }, [load, onChange]);
  if (runs === null) return <p role="status">Looking for earlier ceremonies…</p>;
  if (runs.length === 0) return <p className="hint">No earlier ceremony in this data folder left HSM tokens to act on; run the one that made the key first.</p>;
  return (
    <div className="field">
      <label htmlFor={id}>Earlier ceremony whose key this one acts on</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {runs.map((r) => (
          <option key={r.handle} value={r.handle}>
            {r.title} ({r.handle}){r.closed ? '' : ' — not closed'}
          </option>
        ))}
      </select>
    </div>
  );
}

function ScriptItem({ script }: { script: ScriptSummary }) {
  const start = useKeyriteStore((s) => s.startCeremony);
  const busy = useKeyriteStore((s) => s.ceremony.busy);
  const titleId = useId();
  const [earlier, setEarlier] = useState('');
  return (
    <li className="script-item">
      <div>
        <h3 id={titleId}>{script.title}</h3>
        <p className="hint">
          {script.purpose} · {script.steps} steps · {script.mode}
          {script.needsPrevious ? ' · needs an earlier ceremony’s bundle or shares' : ''}
        </p>
        {script.needsEarlierTokens && <EarlierRunChoice value={earlier} onChange={setEarlier} />}
      </div>
      <button
        type="button"
        disabled={busy || (script.needsEarlierTokens && earlier === '')}
        onClick={() => void start(script.handle, script.needsEarlierTokens ? earlier : undefined)}
        aria-label={`Start ${script.title}`}
      >
        Start
      </button>
    </li>
  );
}

type Interrupted = Awaited<ReturnType<ReturnType<typeof useKeyriteStore.getState>['interrupted']>>[number];

/** Ceremonies of this data folder that stopped without closing (a crash, a power cut): resume from the last safe step. */
function ResumeList() {
  const load = useKeyriteStore((s) => s.interrupted);
  const resume = useKeyriteStore((s) => s.resumeCeremony);
  const busy = useKeyriteStore((s) => s.ceremony.busy);
  const [found, setFound] = useState<Interrupted[]>([]);
  useEffect(() => {
    let live = true;
    void load().then((list) => {
      if (live) setFound(list);
    });
    return () => {
      live = false;
    };
  }, [load]);
  if (found.length === 0) return null;
  return (
    <section aria-labelledby="resume-title">
      <h3 id="resume-title">Interrupted ceremonies</h3>
      <ul className="script-list" aria-label="Interrupted ceremonies">
        {found.map((c) => (
          <li key={c.handle} className="script-item">
            <div>
              <p>
                <strong>{c.title}</strong> — started {c.startedAt}, {c.events} events recorded
              </p>
              <p className="hint">Last: {c.lastEvent}{c.resumable ? '' : ` · cannot resume: ${c.why ?? ''}`}</p>
            </div>
            <button type="button" disabled={busy || !c.resumable} onClick={() => void resume(c.handle)} aria-label={`Resume ${c.title} (${c.handle})`}>
              Resume
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Home: start a built-in ceremony, or check a script file and start it, its problems shown with line and column. */
export function StartCeremonyPanel() {
  const scripts = useKeyriteStore((s) => s.ceremony.scripts);
  const scriptsError = useKeyriteStore((s) => s.ceremony.scriptsError);
  const checked = useKeyriteStore((s) => s.ceremony.checked);
  const error = useKeyriteStore((s) => s.ceremony.error);
  const session = useKeyriteStore((s) => s.ceremony.session);
  const loadScripts = useKeyriteStore((s) => s.loadScripts);
  const checkScript = useKeyriteStore((s) => s.checkScript);
  const goTo = useKeyriteStore((s) => s.goTo);
  const fileId = useId();

  useEffect(() => {
    void loadScripts();
  }, [loadScripts]);

  const onFile = async (event: ChangeEvent<HTMLInputElement>): Promise<void> => {
    const file = event.target.files?.[0];
    if (file === undefined) return;
    await checkScript(file.name, await file.text());
    event.target.value = '';
  };

  return (
    <section aria-labelledby="start-title" className="panel start-ceremony">
      <h2 id="start-title">Start a ceremony</h2>
      {session !== null && (
        <p>
          A ceremony is open: {session.title}.{' '}
          <button type="button" onClick={() => goTo('ceremony')}>
            Return to the ceremony
          </button>
        </p>
      )}
      {scriptsError !== null && (
        <p role="alert" className="error">
          {scriptsError.message}
        </p>
      )}
      {error !== null && session === null && (
        <p role="alert" className="error" data-code={error.code}>
          {error.message}
        </p>
      )}
      {session === null && <ResumeList />}
      {scripts === null ? (
        <p role="status">Reading the built-in ceremonies…</p>
      ) : (
        <ul className="script-list" aria-label="Built-in ceremonies">
          {scripts.map((s) => (
            <ScriptItem key={s.handle} script={s} />
          ))}
        </ul>
      )}
      <div className="field">
        <label htmlFor={fileId}>Open a script file</label>
        <input id={fileId} type="file" accept=".yaml,.yml,.json,text/yaml" onChange={(e) => void onFile(e)} />
      </div>
      {checked !== null && (
        <div className="checked-script" aria-live="polite" data-testid="checked-script">
          {checked.problems.length > 0 && (
            <>
              <p className="error">
                {checked.name}: {checked.problems.length} problem{checked.problems.length === 1 ? '' : 's'}
              </p>
              <ul className="script-problems" aria-label={`Problems in ${checked.name}`}>
                {checked.problems.map((p, i) => (
                  <li key={`${p.path}-${i}`}>
                    <span className="mono">
                      {p.line === null ? '' : `line ${p.line}${p.column === null ? '' : `, column ${p.column}`}: `}
                      {p.path}
                    </span>{' '}
                    {p.message}
                  </li>
                ))}
              </ul>
            </>
          )}
          {checked.script !== null && checked.problems.length === 0 && (
            <ul className="script-list" aria-label="Checked script">
              <ScriptItem script={checked.script} />
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
