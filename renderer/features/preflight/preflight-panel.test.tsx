/**
 * The pre-flight panel's markup: each item's state as a word, its guidance
 * only when warned or failed, and the panel shown from the first pre-flight
 * step until the enrolment is done, not after.
 */
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { PreflightItem } from '../../../shared/contract/ceremony.ts';
import type { CeremonySession } from '../../store/ceremony-slice.ts';
import { PreflightPanel, inPreflight } from './preflight-panel.tsx';

const item = (over: Partial<PreflightItem>): PreflightItem => ({ item: 'clock', step: 'clock', title: 'Clock check', state: 'passed', findings: [], readAloud: [], whatToDo: null, ...over });

const session = (current: string | null, status: CeremonySession['status'] = 'running'): CeremonySession => ({
  ceremonyId: 'c', scriptId: 's', title: 't', mode: 'rehearsal', status, preflight: [],
  steps: [
    { id: 'air-gap', index: 0, title: 'Air gap', action: 'preflight.airGap', status: 'done', deviation: false, results: [] },
    { id: 'enrol', index: 1, title: 'Enrol', action: 'participants.enrol', status: 'pending', deviation: false, results: [] },
    { id: 'login', index: 2, title: 'Log in', action: 'hsm.login', status: 'pending', deviation: false, results: [] },
  ],
  current: current === null ? null : { step: current, index: 0, title: '', instruction: '', stage: 'action', requirements: [], readAloud: [] },
  participants: [], roles: [], request: null, lastRefusal: null, failure: null, resumed: null, bundle: null,
});

describe('the pre-flight panel', () => {
  it('says each state in words and gives what to do only for a warning or a failure', () => {
    const html = renderToStaticMarkup(
      <PreflightPanel
        items={[
          item({ state: 'warned', whatToDo: 'Correct the clock.', findings: ['20 minutes apart.'] }),
          item({ item: 'air-gap', step: 'air-gap', title: 'Air gap', state: 'passed', whatToDo: null }),
          item({ item: 'devices', step: 'inventory', title: 'Devices and media', state: 'to-do' }),
        ]}
      />,
    );
    expect(html).toContain('1 passed, 1 warned, 0 failed, 1 to do');
    expect(html).toMatch(/data-item="clock"[^>]*data-state="warned"/);
    expect(html).toContain('>Warned</span> Clock check');
    expect(html).toContain('<strong>What to do:</strong> Correct the clock.');
    expect(html.match(/What to do:/g)).toHaveLength(1);
    expect(renderToStaticMarkup(<PreflightPanel items={[]} />)).toBe('');
  });

  it('stands beside the step runner through the pre-flight steps and the enrolment, not after', () => {
    expect(inPreflight(session('air-gap'))).toBe(true);
    expect(inPreflight(session('enrol'))).toBe(true);
    expect(inPreflight(session('login'))).toBe(false);
    expect(inPreflight(session(null))).toBe(false);
    expect(inPreflight(session('air-gap', 'aborted'))).toBe(false);
  });
});
