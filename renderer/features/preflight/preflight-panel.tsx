import { useId } from 'react';
import type { PreflightItem } from '../../../shared/contract/ceremony.ts';
import type { CeremonySession } from '../../store/ceremony-slice.ts';
import { ReadAloudList } from '../ceremony/read-aloud.tsx';
import './preflight.css';

/** The state in words (never colour alone): what a person says when asked how the check went. */
export const STATE_WORDS: Record<PreflightItem['state'], string> = { 'to-do': 'To do', passed: 'Passed', warned: 'Warned', failed: 'Failed' };

/** The pre-flight phase: its steps, and the enrolment after them (pre-flight warnings are signed right after enrolment). */
export function inPreflight(session: CeremonySession): boolean {
  const action = session.steps.find((s) => s.id === session.current?.step)?.action ?? '';
  return session.status === 'running' && (action.startsWith('preflight.') || action === 'participants.enrol');
}

function Item({ item }: { item: PreflightItem }) {
  const id = useId();
  return (
    <li className={`preflight-item preflight-${item.state}`} data-testid="preflight-item" data-item={item.item} data-step={item.step} data-state={item.state} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>
        <span className="preflight-state" data-testid="preflight-state">{STATE_WORDS[item.state]}</span> {item.title}
      </h3>
      {item.findings.length > 0 && (
        <ul className="preflight-findings" aria-label={`What the ${item.title.toLowerCase()} found`}>
          {item.findings.map((finding, index) => (
            <li key={index}>{finding}</li>
          ))}
        </ul>
      )}
      <ReadAloudList values={item.readAloud} />
      {item.whatToDo !== null && (
        <p className="what-to-do" data-testid="preflight-what-to-do">
          <strong>What to do:</strong> {item.whatToDo}
        </p>
      )}
    </li>
  );
}

/**
 * Pre-flight beside the step runner: each check of the script (air gap,
 * environment, devices and media, clock, custody serials, HSM inventory)
 * passed, warned, failed or still to do, what it found, and what to do
 * about a warning or a failure, all as the engine derived it from what the
 * pre-flight steps recorded.
 */
export function PreflightPanel({ items }: { items: readonly PreflightItem[] }) {
  const id = useId();
  if (items.length === 0) return null;
  const count = (state: PreflightItem['state']): number => items.filter((i) => i.state === state).length;
  return (
    <section className="panel preflight-panel" aria-labelledby={`${id}-title`} data-testid="preflight-panel">
      <h2 id={`${id}-title`}>Pre-flight checks</h2>
      <p className="hint" data-testid="preflight-summary">
        {count('passed')} passed, {count('warned')} warned, {count('failed')} failed, {count('to-do')} to do
      </p>
      <ol className="preflight-items">
        {items.map((item) => (
          <Item key={`${item.step}/${item.item}/${item.title}`} item={item} />
        ))}
      </ol>
    </section>
  );
}
