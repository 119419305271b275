import { describe, expect, it } from 'vitest';
import { judgeScan, toFinding, type Finding } from './electronegativity-policy.ts';

const finding = (id: string, severity: Finding['severity'], file = 'electron/main/main-window.ts'): Finding => ({ id, file, line: 1, severity, confidence: 'FIRM', manualReview: false, description: '' });

describe('electronegativity verdict', () => {
  it('fails on any HIGH or MEDIUM finding', () => {
    expect(judgeScan([finding('SANDBOX_JS_CHECK', 'MEDIUM')], [], []).ok).toBe(false);
    expect(judgeScan([finding('CONTEXT_ISOLATION_JS_CHECK', 'HIGH')], [], []).failures).toHaveLength(1);
  });

  it('passes with only LOW and informational findings, and lists them as notes', () => {
    const verdict = judgeScan([finding('CSP_GLOBAL_CHECK', 'LOW', 'index.html'), finding('X', 'INFORMATIONAL')], [], []);
    expect(verdict.ok).toBe(true);
    expect(verdict.notes).toHaveLength(2);
  });

  it('lets a reviewed false positive through only for its own check and file', () => {
    const allow = [{ id: 'OPEN_EXTERNAL_JS_CHECK', file: 'electron/main/a.ts', reason: 'reviewed' }];
    expect(judgeScan([finding('OPEN_EXTERNAL_JS_CHECK', 'MEDIUM', 'electron/main/a.ts')], allow, []).ok).toBe(true);
    expect(judgeScan([finding('OPEN_EXTERNAL_JS_CHECK', 'MEDIUM', 'electron/main/b.ts'), finding('OPEN_EXTERNAL_JS_CHECK', 'MEDIUM', 'electron/main/a.ts')], allow, []).failures.map((f) => f.file)).toEqual(['electron/main/b.ts']);
  });

  it('fails on a stale allowlist entry', () => {
    const verdict = judgeScan([], [{ id: 'SANDBOX_JS_CHECK', file: 'x.ts', reason: 'old' }], []);
    expect(verdict.ok).toBe(false);
    expect(verdict.unusedAllowances).toHaveLength(1);
  });

  it('fails when a file could not be parsed (it was not checked)', () => {
    expect(judgeScan([], [], [{ file: 'electron/main/index.ts', message: 'Unexpected token' }]).ok).toBe(false);
  });

  it('reads the runner\'s issue objects, and treats an unknown severity as HIGH', () => {
    expect(toFinding({ id: 'SANDBOX_JS_CHECK', file: 'main/w.ts', location: { line: 19, column: 3 }, severity: { value: 2, name: 'MEDIUM' }, confidence: { name: 'FIRM' }, manualReview: false, description: 'Use sandbox' }))
      .toEqual({ id: 'SANDBOX_JS_CHECK', file: 'main/w.ts', line: 19, severity: 'MEDIUM', confidence: 'FIRM', manualReview: false, description: 'Use sandbox' });
    expect(toFinding({ id: 'X', severity: { name: 'CRITICAL' } }).severity).toBe('HIGH');
    expect(toFinding(null).severity).toBe('HIGH');
  });
});
