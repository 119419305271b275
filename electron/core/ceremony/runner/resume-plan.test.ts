/**
 * The last safe step, for every place a crash can leave ceremonies 2
 * (generate, split, write, load) and 4 (collect, split, write, revoke):
 * the state is the one a replay would rebuild (steps before `index`
 * complete, step `index` at `stage`), and the plan must redo from the step
 * that put a still-needed product in memory, and only then.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CeremonyState, ParsedScript, StepStage } from '../../../../shared/ceremony/index.ts';
import { loadScriptFile } from '../index.ts';
import { planResume } from './resume-plan.ts';
import { CEREMONIES } from './test-support.ts';

/** The shape of a replayed state that the plan reads: completed steps, the current step and its stage. */
function stateAt(parsed: ParsedScript, index: number, stage: StepStage): CeremonyState {
  const steps = parsed.script.steps;
  return {
    script: parsed.script, scriptSha256: parsed.scriptSha256, runNonce: '0'.repeat(32), status: 'running', stepIndex: index, stage,
    participants: [{ id: 'ada', name: 'Ada', role: 'administrator', publicKey: '0'.repeat(64) }], approvals: [], signOffs: [], result: undefined,
    completed: steps.slice(0, index).map((s, i) => ({ id: s.id, index: i, result: null, deviation: false, approvals: [], signOffs: [] })),
    exceptions: [], warnings: [], abortReason: undefined,
  };
}

describe('planResume: the last safe step', async () => {
  const two = await loadScriptFile(join(CEREMONIES, '02-master-key-split-and-load.yaml'));
  const four = await loadScriptFile(join(CEREMONIES, '04-reshare.yaml'));
  const plan = (parsed: ParsedScript, step: string, stage: StepStage) =>
    planResume(parsed.script, stateAt(parsed, parsed.script.steps.findIndex((s) => s.id === step), stage), [], 'answers-file');

  it.each([
    // Ceremony 2: nothing in memory yet, or already loaded into both HSMs: the interrupted step continues.
    ['enrol', 'action', []],
    ['login-backup', 'approval', []],
    ['generate-master', 'action', []],
    // Its action ran and the secret died with the process while its sign-offs were given: the generation is done again (found by the engine model test).
    ['generate-master', 'sign-off', ['generate-master']],
    // The secret exists only in memory from the generation until the load completes.
    ['split', 'action', ['generate-master', 'split']],
    ['split', 'sign-off', ['generate-master', 'split']],
    ['write-shares', 'action', ['generate-master', 'split', 'write-shares']],
    ['write-shares', 'sign-off', ['generate-master', 'split', 'write-shares']],
    ['load', 'approval', ['generate-master', 'split', 'write-shares', 'load']],
    ['load', 'action', ['generate-master', 'split', 'write-shares', 'load']],
    ['compare-check-values', 'action', []],
    ['close', 'sign-off', []],
  ] as const)('ceremony 2, crashed at %s (%s): redo %j', (step, stage, redone) => {
    expect(plan(two, step, stage).redone).toEqual(redone);
  });

  it.each([
    // Ceremony 4: the rebuilt secret lives from the collection to the split; the new set until the revocation names it.
    ['collect-old', 'action', []],
    ['collect-old', 'sign-off', ['collect-old']],
    ['split-new', 'action', ['collect-old', 'split-new']],
    ['write-new', 'sign-off', ['collect-old', 'split-new', 'write-new']],
    ['revoke-old', 'action', ['collect-old', 'split-new', 'write-new', 'revoke-old']],
    ['close', 'action', []],
  ] as const)('ceremony 4, crashed at %s (%s): redo %j', (step, stage, redone) => {
    expect(plan(four, step, stage).redone).toEqual(redone);
  });

  it('says what was lost: the secret and the unwritten set, the HSM logins, the keys', () => {
    const p = plan(two, 'write-shares', 'action');
    expect(p.resumeFrom?.step).toBe('generate-master');
    expect(p.lost).toContainEqual(expect.stringContaining("the secret of key 'master' made at step generate-master"));
    expect(p.lost).toContainEqual(expect.stringContaining('the share set sealed at step split'));
    expect(p.lost).toContainEqual(expect.stringContaining('the ceremony signing key'));
    expect(p.relogins.map((r) => r.hsm)).toEqual(['primary', 'backup']);
    expect(p.reasons.join(' ')).toContain('step load needs the secret');
    // After the load the secret is gone by design, not by the crash: nothing of it is reported lost.
    expect(plan(two, 'compare-check-values', 'action').lost.join(' ')).not.toContain('secret of key');
  });
});
