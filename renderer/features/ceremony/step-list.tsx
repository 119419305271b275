import type { CeremonySession } from '../../store/ceremony-slice.ts';
import { ReadAloudList } from './read-aloud.tsx';

const STATUS_WORDS = { done: 'done', current: 'now', pending: 'to do', failed: 'failed' } as const;

/** A done step's verdict: passed, warned (a pre-flight deviation), deviated under an exception, or failed. */
function verdict(step: CeremonySession['steps'][number]): string {
  if (step.status === 'failed') return 'failed: the ceremony stopped here; see why below';
  if (step.status !== 'done') return STATUS_WORDS[step.status];
  // A pre-flight deviation the script lets continue is a recorded warning (signed only when it names an item, as a custody serial does); any other step deviates only under a signed exception.
  if (!step.deviation) return 'passed';
  return step.action.startsWith('preflight.') ? 'warned: recorded in the transcript as a pre-flight warning' : 'deviated: a signed exception let it continue';
}

/** Progress through the script: every step with done, now, to do or failed, and what done pre-flight checks found. */
export function StepList({ steps }: { steps: CeremonySession['steps'] }) {
  const done = steps.filter((s) => s.status === 'done').length;
  return (
    <nav className="step-list" aria-labelledby="steps-title">
      <h2 id="steps-title">
        Steps <span className="hint">({done} of {steps.length} done)</span>
      </h2>
      <ol>
        {steps.map((step) => (
          <li key={step.id} className={`step step-${step.status}${step.deviation ? ' step-deviation' : ''}`} aria-current={step.status === 'current' ? 'step' : undefined} data-step={step.id} data-status={step.status}>
            <span className="step-title">
              {step.index + 1}. {step.title}
            </span>{' '}
            <span className="step-status">— {verdict(step)}</span>
            {step.status === 'done' && step.action.startsWith('preflight.') && <ReadAloudList values={step.results} />}
          </li>
        ))}
      </ol>
    </nav>
  );
}
