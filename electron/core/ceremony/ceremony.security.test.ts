import { readFileSync } from 'node:fs';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { fixtureScript } from '../../../shared/ceremony/script-fixture.ts';
import { scriptSha256 } from '../../../shared/ceremony/script-hash.ts';
import { ScriptInvalidError } from '../../../shared/ceremony/script-problems.ts';
import { resultSha256, type StepContent } from '../../../shared/ceremony/sign-off.ts';
import { applyCommand, exceptionContent, reduce, startCeremony, stepContent, type CeremonyCommand, type CeremonyState } from '../../../shared/ceremony/state-machine.ts';
import { SecretBytes } from '../../../shared/secret-bytes.ts';
import { defaultCeremoniesFolder } from './built-in-scripts.ts';
import { deriveParticipantCredential, type ParticipantCredential } from './credential.ts';
import { parseScriptText } from './read-script.ts';

const cheap = { memoryKiB: 256, passes: 1, parallelism: 1 };
const script = fixtureScript();
const hash = scriptSha256(script);
const ceremonyId = script.metadata.id;
// Two runs of the same script: the engine draws each nonce at random.
const runA = '0a'.repeat(16);
const runB = '0b'.repeat(16);

async function credential(id: string, passphrase = `passphrase of ${id}`, ceremony = ceremonyId): Promise<ParticipantCredential> {
  return deriveParticipantCredential(SecretBytes.adopt(utf8ToBytes(passphrase)), ceremony, id, cheap);
}
const people = {
  admin: { id: 'admin', name: 'Alex Admin', role: 'administrator' as const },
  c1: { id: 'c1', name: 'Cora One', role: 'custodian' as const },
  c2: { id: 'c2', name: 'Cato Two', role: 'custodian' as const },
  c3: { id: 'c3', name: 'Cleo Three', role: 'custodian' as const },
  w1: { id: 'w1', name: 'Wren One', role: 'witness' as const },
  w2: { id: 'w2', name: 'Wade Two', role: 'witness' as const },
};
const keys = Object.fromEntries(await Promise.all(Object.keys(people).map(async (id) => [id, await credential(id)] as const))) as Record<keyof typeof people, ParticipantCredential>;

/** A ceremony at the sign-off stage of `enrol` (step 1), everyone enrolled. */
function atEnrolSignOff(runNonce = runA): CeremonyState {
  let s = reduce(startCeremony(script, hash, runNonce), { kind: 'record-preflight', stepId: 'air-gap', result: {} });
  for (const [id, p] of Object.entries(people)) s = reduce(s, { kind: 'enrol', participant: { ...p, publicKey: keys[id as keyof typeof people].publicKeyHex } });
  return reduce(s, { kind: 'record-result', stepId: 'enrol' });
}
/** A ceremony at the approval stage of `generate` (step 3). */
function atGenerate(runNonce = runA): CeremonyState {
  let s = atEnrolSignOff(runNonce);
  for (const id of ['admin', 'w1', 'w2'] as const) s = reduce(s, signBy(s, id));
  s = reduce(s, signBy(s, 'w1'));
  return reduce(s, { kind: 'record-result', stepId: 'login', result: { tokenSerial: '1' } });
}
function signBy(s: CeremonyState, id: keyof typeof people, content?: StepContent): CeremonyCommand {
  const c = content ?? (stepContent(s, s.stage === 'approval' ? 'approval' : 'sign-off') as StepContent);
  return { kind: 'sign-off', stepId: c.step.id, claim: keys[id].signStep(c) };
}
const rule = (s: CeremonyState, c: CeremonyCommand): string | undefined => {
  const t = applyCommand(s, c);
  return t.ok ? undefined : t.refusal.rule;
};

describe('threat: a sign-off replayed from another ceremony', () => {
  it('is refused even with the same people, script and step', () => {
    const s = atGenerate();
    const elsewhere = { ...(stepContent(s, 'approval') as StepContent), ceremony: 'another-ceremony' };
    expect(rule(s, signBy(s, 'admin', elsewhere))).toBe('CEREMONY_SIGN_OFF_INVALID');
  });
});

describe('threat: sign-offs replayed from an aborted run of the same script', () => {
  // Same script, same ceremony id, same people and passphrases (so the same
  // credential keys): only the run nonce tells run A from run B.
  it('refuses run A\'s enrolment sign-offs and approvals in run B', () => {
    let a = atEnrolSignOff(runA);
    const enrolA = (['admin', 'w1', 'w2'] as const).map((id) => signBy(a, id));
    for (const c of enrolA) a = reduce(a, c);
    const loginA = signBy(a, 'w1');
    a = reduce(a, loginA);
    a = reduce(a, { kind: 'record-result', stepId: 'login', result: { tokenSerial: '1' } });
    const generateA = (['admin', 'w1'] as const).map((id) => signBy(a, id));
    expect(reduce(a, { kind: 'abort', reason: 'fire alarm' }).status).toBe('aborted');

    const b = atEnrolSignOff(runB);
    for (const c of enrolA) expect(rule(b, c)).toBe('CEREMONY_SIGN_OFF_INVALID');
    // Even with the enrolment signed afresh, run A's later approvals are refused too.
    const bAtGenerate = atGenerate(runB);
    for (const c of generateA) expect(rule(bAtGenerate, c)).toBe('CEREMONY_SIGN_OFF_INVALID');
    // The same signers, asked again in run B, are accepted: the refusal is the nonce, not the people.
    expect(rule(bAtGenerate, signBy(bAtGenerate, 'admin'))).toBeUndefined();
  });

  it('refuses run A\'s signed exception in run B', () => {
    let a = atGenerate(runA);
    a = reduce(a, signBy(a, 'admin'));
    a = reduce(a, signBy(a, 'w1'));
    const draft = { kind: 'raise-exception', stepId: 'generate', expected: 'one call', actual: 'two calls', resultSha256: resultSha256({ fingerprintWords: 'x' }), decision: 'continue', signatures: [] } as const;
    const signatures = (['admin', 'w1', 'w2'] as const).map((id) => keys[id].signException(exceptionContent(a, draft) as NonNullable<ReturnType<typeof exceptionContent>>));
    expect(rule(a, { ...draft, signatures })).toBeUndefined();

    let b = atGenerate(runB);
    b = reduce(b, signBy(b, 'admin'));
    b = reduce(b, signBy(b, 'w1'));
    expect(rule(b, { ...draft, signatures })).toBe('CEREMONY_SIGN_OFF_INVALID');
  });
});

describe('threat: a signed "continue" exception stretched to another result', () => {
  const approved = { fingerprintWords: 'x' };
  function excepted(): CeremonyState {
    let s = atGenerate();
    s = reduce(s, signBy(s, 'admin'));
    s = reduce(s, signBy(s, 'w1'));
    const draft = { kind: 'raise-exception', stepId: 'generate', expected: 'one call', actual: 'two calls', resultSha256: resultSha256(approved), decision: 'continue', signatures: [] } as const;
    const content = exceptionContent(s, draft) as NonNullable<ReturnType<typeof exceptionContent>>;
    return reduce(s, { ...draft, signatures: (['admin', 'w1', 'w2'] as const).map((id) => keys[id].signException(content)) });
  }

  it('refuses a different deviating result than the one the exception names', () => {
    const s = excepted();
    expect(rule(s, { kind: 'record-result', stepId: 'generate', result: { fingerprintWords: 'y' }, deviation: true })).toBe('CEREMONY_DEVIATION_UNAPPROVED');
    expect(rule(s, { kind: 'record-result', stepId: 'generate', result: approved, deviation: true })).toBeUndefined();
  });

  it('refuses a second deviating result under the same exception', () => {
    const s = excepted();
    const after = reduce(s, { kind: 'record-result', stepId: 'generate', result: approved, deviation: true });
    // The reducer never runs a step twice; putting the step back by hand shows the exception is spent, not merely out of reach.
    const again: CeremonyState = { ...after, stepIndex: s.stepIndex, stage: 'action', result: undefined, completed: s.completed };
    expect(rule(again, { kind: 'record-result', stepId: 'generate', result: approved, deviation: true })).toBe('CEREMONY_DEVIATION_UNAPPROVED');
  });
});

describe('threat: a sign-off made for a different version of the script', () => {
  it('is refused (the script hash is in the signed content)', () => {
    const s = atGenerate();
    const edited = { ...(stepContent(s, 'approval') as StepContent), scriptSha256: scriptSha256({ ...script, metadata: { ...script.metadata, title: 'Edited' } }) };
    expect(rule(s, signBy(s, 'admin', edited))).toBe('CEREMONY_SIGN_OFF_INVALID');
  });
});

describe('threat: an approval given before the action reused as the sign-off of its result', () => {
  it('is refused (the stage and the result are in the signed content)', () => {
    let s = atGenerate();
    s = reduce(s, signBy(s, 'admin'));
    s = reduce(s, signBy(s, 'w1'));
    s = reduce(s, { kind: 'record-result', stepId: 'generate', result: { fingerprintWords: 'a b c' } });
    s = reduce(s, { kind: 'record-result', stepId: 'split', result: { shareSetId: 'set-1' } });
    const approvalOfSplit: StepContent = { ...(stepContent(s, 'sign-off') as StepContent), stage: 'approval', result: null };
    expect(rule(s, signBy(s, 'w2', approvalOfSplit))).toBe('CEREMONY_SIGN_OFF_INVALID');
  });
});

describe('threat: a participant signing in another participant\'s name', () => {
  it('is refused whether the claim carries the signer\'s own key or the victim\'s', () => {
    const s = atGenerate();
    const content = stepContent(s, 'approval') as StepContent;
    const forged = keys.w1.signStep(content);
    expect(rule(s, { kind: 'sign-off', stepId: 'generate', claim: { ...forged, participantId: 'admin' } })).toBe('CEREMONY_SIGN_OFF_INVALID');
    expect(rule(s, { kind: 'sign-off', stepId: 'generate', claim: { ...forged, participantId: 'admin', publicKey: keys.admin.publicKeyHex } })).toBe('CEREMONY_SIGN_OFF_INVALID');
  });
});

describe('threat: one person enrolling twice to satisfy dual control', () => {
  it('is refused by name even with a second id (whose key differs, as the salt holds the id)', async () => {
    const s0 = reduce(startCeremony(script, hash, runA), { kind: 'record-preflight', stepId: 'air-gap', result: {} });
    const s1 = reduce(s0, { kind: 'enrol', participant: { ...people.w1, publicKey: keys.w1.publicKeyHex } });
    const again = await credential('w9', 'passphrase of w1');
    expect(again.publicKeyHex).not.toBe(keys.w1.publicKeyHex);
    expect(rule(s1, { kind: 'enrol', participant: { id: 'w9', name: 'wren  ONE', role: 'witness', publicKey: again.publicKeyHex } })).toBe('CEREMONY_ALREADY_ENROLLED');
    expect(rule(s1, { kind: 'enrol', participant: { id: 'c9', name: 'Wren One', role: 'custodian', publicKey: again.publicKeyHex } })).toBe('CEREMONY_ROLE_SEPARATION');
  });
});

describe('threat: a secret smuggled into a recorded result', () => {
  it('is refused before it can reach a signed content or the transcript', () => {
    let s = atGenerate();
    s = reduce(s, signBy(s, 'admin'));
    s = reduce(s, signBy(s, 'w1'));
    expect(rule(s, { kind: 'record-result', stepId: 'generate', result: { fingerprintWords: 'a', detail: { passphrase: 'hunter2' } } })).toBe('CEREMONY_INVALID_COMMAND');
    expect(rule(s, { kind: 'record-result', stepId: 'generate', result: { fingerprintWords: 'a', PIN: '1234' } })).toBe('CEREMONY_INVALID_COMMAND');
  });
});

describe('threat: a hostile script file', () => {
  const base = readFileSync(`${defaultCeremoniesFolder()}01-root-key-generation.yaml`, 'utf8');
  it('cannot pollute prototypes through __proto__ or constructor keys', () => {
    for (const inject of ['__proto__: { polluted: true }\n', 'constructor: { prototype: { polluted: true } }\n']) {
      expect(() => parseScriptText(inject + base)).toThrow(ScriptInvalidError);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
  });

  it('cannot smuggle YAML-only values (tags, merge keys) past the schema', () => {
    expect(() => parseScriptText(base.replace('id: primary', 'id: !!binary cHJpbWFyeQ=='))).toThrow(ScriptInvalidError);
    expect(() => parseScriptText(base.replace('  - id: primary\n', '  - <<: { id: primary }\n'))).toThrow(ScriptInvalidError);
  });
});
