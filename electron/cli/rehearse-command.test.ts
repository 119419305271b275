/**
 * `keyrite rehearse` end to end: each finished built-in ceremony runs
 * headless on fresh SoftHSM tokens through the CLI's own entry point, and
 * its bundle then passes `keyrite verify`. Then the refusals: each is
 * refused with a clear error naming the rule, recorded in the transcript,
 * and the failed run's bundle still verifies (the abort is signed and
 * cosigned like a close). Refusals use ceremony 7, whose cast is smallest
 * (two Argon2id derivations per run).
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadScriptFile } from '../core/ceremony/index.ts';
import { RebuildSession } from '../core/shares/index.ts';
import { canonicalJson, contentHash, EXCEPTION_DOMAIN, resultSha256, signedMessage, type ExceptionContent, type PublicValue } from '../../shared/ceremony/index.ts';
import { takeInventory } from '../core/hsm/index.ts';
import { onRehearsalToken } from '../core/ceremony/runner/rehearsal-token-support.ts';
import { SecretBytes } from '../../shared/secret-bytes.ts';
import { allFileText, bundleEvents, CEREMONIES, FIXTURES, freshOut } from '../core/ceremony/runner/test-support.ts';
import { main } from './keyrite.ts';

async function keyrite(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => { out += t; }, error: (t) => { err += t; } });
  return { code, out, err };
}

/** Rehearses a built-in ceremony with its fixture answers and checks what every run must leave behind. */
async function rehearseBuiltIn(script: string, answers: string, out = freshOut()) {
  const answersPath = isAbsolute(answers) ? answers : join(FIXTURES, answers);
  const run = await keyrite('rehearse', join(CEREMONIES, script), '--answers', answersPath, '--out', out);
  expect(run.err).toBe('');
  expect(run.code).toBe(0);
  expect(run.out).toContain('the bundle verifies');
  const full = await keyrite('verify', join(out, 'bundle.tar'), '--json');
  expect(full.code).toBe(0);
  const events = bundleEvents(out);
  const parsed = await loadScriptFile(join(CEREMONIES, script));
  // The first event binds the transcript to the exact script.
  expect(events[0]?.type).toBe('ceremony/opened');
  expect(events[0]?.payload['scriptSha256']).toBe(parsed.scriptSha256);
  // The placeholder token is replaced in the open, with the script's serial named.
  const mapped = events.find((e) => e.type === 'rehearsal/tokens-mapped')?.payload['mappings'] as { hsm: string; scriptToken: string }[];
  expect(mapped.map((m) => m.hsm)).toEqual(parsed.script.hsms.map((h) => h.id));
  for (const [i, h] of parsed.script.hsms.entries()) expect(mapped[i]?.scriptToken).toContain('uri' in h ? h.uri : `serial ${h.token.serial}`);
  // Every step completed, in script order, then closed as completed.
  expect(events.filter((e) => e.type === 'step/completed').map((e) => e.step)).toEqual(parsed.script.steps.map((s) => s.id));
  expect(events.at(-1)?.type).toBe('ceremony/closed');
  expect(events.at(-1)?.payload['outcome']).toBe('completed');
  // The last checkpoint is cosigned by every participant.
  const result = JSON.parse(full.out) as { checkpoints: { size: number; cosigners: { name: string }[] }[]; status: string };
  const participants = events.filter((e) => e.type === 'participant/enrolled').map((e) => e.payload['participant']);
  expect(result.checkpoints.at(-1)?.size).toBe(events.length);
  expect(result.checkpoints.at(-1)?.cosigners.map((c) => c.name.split('/').at(-1))).toEqual(participants);
  // No passphrase or PIN of the answers file (every quoted value) anywhere in the evidence.
  const evidence = allFileText(join(out, 'bundle'));
  const given = parse(readFileSync(answersPath, 'utf8')) as { participants: { passphrase: string }[]; pins?: Record<string, string>; custodianPassphrases?: Record<string, string> };
  const secrets = [...given.participants.map((p) => p.passphrase), ...Object.values(given.pins ?? {}), ...Object.values(given.custodianPassphrases ?? {})];
  expect(secrets.length).toBeGreaterThan(2);
  for (const secret of secrets) expect(evidence).not.toContain(secret);
  return { out, events };
}

/** Ceremony 1 runs once; the custody tests compare serials with its bundle. */
let ceremony1: Promise<{ out: string; events: ReturnType<typeof bundleEvents> }> | undefined;
const rootCeremony = () => (ceremony1 ??= rehearseBuiltIn('01-root-key-generation.yaml', '01-root-key-generation.answers.yaml'));

/** Ceremony 1's fixture answers, edited, written next to a fresh output folder. */
function rootAnswers(edit: (answers: Record<string, unknown>) => Record<string, unknown>): { answers: string; out: string } {
  const root = dirname(freshOut());
  const answers = join(root, 'answers.yaml');
  writeFileSync(answers, stringify(edit(parse(readFileSync(join(FIXTURES, '01-root-key-generation.answers.yaml'), 'utf8')) as Record<string, unknown>)));
  return { answers, out: join(root, 'out') };
}

const resultOf = (events: ReturnType<typeof bundleEvents>, step: string) => events.find((e) => e.type === 'step/result' && e.step === step)?.payload['result'] as Record<string, unknown>;

type SerialAnswer = { kind: string; label: string; typed: string; readBack: string };
const withSerial = (a: Record<string, unknown>, label: string, typed: string, readBack = typed) => ({
  ...a, custodySerials: (a['custodySerials'] as SerialAnswer[]).map((s) => (s.label === label ? { ...s, typed, readBack } : s)),
});

describe('keyrite rehearse: built-in ceremonies end to end on SoftHSM', () => {
  it('ceremony 1 generates a non-extractable root key and exports its public key; the bundle verifies', async () => {
    const { out, events } = await rootCeremony();
    const created = events.find((e) => e.type === 'key/created');
    expect(created?.payload['algorithm']).toBe('ec-p384');
    const generated = events.find((e) => e.type === 'step/result' && e.step === 'generate-root')?.payload['result'] as Record<string, unknown>;
    expect(generated['extractable']).toBe(false);
    expect(generated['sensitive']).toBe(true);
    // The fingerprint read aloud is the SHA-256 of the exported public key.
    const pem = readFileSync(join(out, 'public', 'root.pem'), 'utf8');

    const der = createPublicKey(pem).export({ type: 'spki', format: 'der' });
    expect(generated['fingerprint']).toBe(createHash('sha256').update(der).digest('hex'));
    expect((generated['fingerprintWords'] as string[]).length).toBe(24);
    // Only the new key pair appeared, and no rule was broken.
    const diff = events.find((e) => e.type === 'step/result' && e.step === 'inventory-after')?.payload['result'] as { added: { class: string }[]; violations: unknown[] };
    expect(diff.added.map((o) => o.class).sort()).toEqual(['private-key', 'public-key']);
    expect(diff.violations).toEqual([]);
    // Dual control: generation approved by the administrator and two distinct witnesses.
    const approvals = events.filter((e) => e.type === 'sign-off/recorded' && e.step === 'generate-root' && e.payload['stage'] === 'approval');
    expect(approvals.map((e) => e.payload['role'])).toEqual(['administrator', 'witness', 'witness']);
    expect(new Set(approvals.map((e) => e.payload['witness'])).size).toBe(3);
  });

  it('ceremony 1: the pre-flight events carry the air-gap result, the environment record and the custody serials', async () => {
    const { events } = await rootCeremony();
    const preflight = (action: string) => events.find((e) => e.type === 'step/result' && e.payload['action'] === action)?.payload['result'] as Record<string, unknown>;
    const airGap = preflight('preflight.airGap');
    for (const name of ['interfacesUp', 'radiosOn', 'defaultRoutes']) expect(Array.isArray(airGap[name])).toBe(true);
    expect(['pass', 'warn', 'refuse']).toContain(airGap['decision']);
    const environment = airGap['environment'] as { os: Record<string, unknown>; app: Record<string, unknown>; swap: { state: string }; coreDumps: { state: string }; clock: Record<string, unknown> };
    expect(environment.os).toEqual(expect.objectContaining({ platform: process.platform, arch: process.arch, release: expect.any(String) as string }));
    expect(environment.app['version']).toEqual(expect.any(String));
    expect(environment.app['bundleError']).toBe('no app bundle (development run)');
    expect(['on', 'off', 'unknown']).toContain(environment.swap.state);
    expect(['enabled', 'disabled', 'unknown']).toContain(environment.coreDumps.state);
    expect(environment.clock).toEqual(expect.objectContaining({ utc: expect.any(String) as string, timeZone: expect.any(String) as string }));
    const custody = preflight('preflight.custodySerials');
    // Normalised: case and spacing folded, nothing else.
    expect(custody['serials']).toEqual([
      { kind: 'laptop', label: 'ceremony laptop', value: 'LT-2026-0042' },
      { kind: 'tamper-bag', label: 'laptop bag', value: 'TB 000 311' },
      { kind: 'hsm', label: 'primary', value: '0000000000000001' },
      { kind: 'tamper-bag', label: 'primary bag', value: 'TB-000-312' },
    ]);
    expect(custody['comparedWith']).toBeNull();
    expect(custody['mismatches']).toEqual([]);
    // All three come before enrolment, and no exception was raised.
    const enrolled = events.findIndex((e) => e.type === 'participant/enrolled');
    for (const action of ['preflight.airGap', 'preflight.custodySerials']) expect(events.findIndex((e) => e.type === 'step/result' && e.payload['action'] === action)).toBeLessThan(enrolled);
    expect(events.some((e) => e.type === 'exception/recorded')).toBe(false);
  });

  it('ceremony 1 again: a bag serial that differs from the earlier bundle\'s raises an exception naming the item, expected and actual', async () => {
    const { out: earlier, events: before } = await rootCeremony();
    const { answers, out } = rootAnswers((a) => ({ ...withSerial(a, 'primary bag', 'tb-000-399'), serialsFrom: join(earlier, 'bundle') }));
    const { events } = await rehearseBuiltIn('01-root-key-generation.yaml', answers, out);
    const custody = resultOf(events, 'custody-serials');
    const earlierId = before[0]?.payload['signingKey']?.toString().split('+')[0];
    expect(custody['comparedWith']).toEqual(expect.objectContaining({ ceremonyId: earlierId }));
    expect(custody['mismatches']).toEqual([{ kind: 'tamper-bag', label: 'primary bag', recorded: 'TB-000-312', entered: 'TB-000-399' }]);
    expect(custody['matched']).toHaveLength(3);
    const exception = events.find((e) => e.type === 'exception/recorded');
    expect(exception?.step).toBe('custody-serials');
    expect(exception?.payload['decision']).toBe('continue');
    expect(exception?.payload['items']).toEqual([{ kind: 'tamper-bag', label: 'primary bag', expected: 'TB-000-312', actual: 'TB-000-399' }]);
    expect(exception?.payload['expected']).toContain("tamper-bag 'primary bag' serial TB-000-312");
    expect(exception?.payload['actual']).toContain("tamper-bag 'primary bag' serial TB-000-399");
    expect(exception?.payload['resultSha256']).toMatch(/^[0-9a-f]{64}$/);
    // Recorded before the step's own completion, and the step is marked as deviating.
    expect(exception?.seq).toBeLessThan(events.find((e) => e.type === 'step/completed' && e.step === 'custody-serials')?.seq ?? -1);
    expect(events.find((e) => e.type === 'step/completed' && e.step === 'custody-serials')?.payload['deviation']).toBe(true);
    expect(exception?.payload['resultSha256']).toBe(resultSha256(custody as PublicValue));
    // Once enrolled, the administrator and the witness quorum sign that exception (exception message v2).
    const signed = events.find((e) => e.type === 'exception/signed' && e.step === 'custody-serials');
    expect(signed?.actors).toEqual(['ada', 'wendy', 'walt']);
    expect(signed?.seq).toBeGreaterThan(events.filter((e) => e.type === 'participant/enrolled').at(-1)?.seq ?? Infinity);
    const opened = events[0]?.payload as { scriptSha256: string; runNonce: string };
    const content: ExceptionContent = {
      ceremony: 'root-key-generation', runNonce: opened.runNonce, scriptSha256: opened.scriptSha256,
      step: { id: 'custody-serials', index: 2, action: 'preflight.custodySerials' },
      expected: String(exception?.payload['expected']), actual: String(exception?.payload['actual']), resultSha256: String(exception?.payload['resultSha256']), decision: 'continue',
    };
    const enrolledKeys = new Map(events.filter((e) => e.type === 'participant/enrolled').map((e) => [e.payload['participant'], String(e.payload['signingKey'])]));
    const signatures = signed?.payload['signatures'] as { participantId: string; publicKey: string; signature: string }[];
    expect(signatures).toHaveLength(3);
    for (const x of signatures) {
      expect(x.publicKey).toBe(enrolledKeys.get(x.participantId));
      const key = createPublicKey({ key: Buffer.from(`302a300506032b6570032100${x.publicKey}`, 'hex'), format: 'der', type: 'spki' });
      expect(verify(null, signedMessage(EXCEPTION_DOMAIN, x.participantId, contentHash(content)), key, Buffer.from(x.signature, 'hex'))).toBe(true);
    }
  });

  it('ceremony 1: a serial whose read-back differs from what was typed is refused and recorded; the bundle still verifies', async () => {
    const { answers, out } = rootAnswers((a) => withSerial(a, 'laptop bag', 'TB 000 311', 'TB 000 317'));
    const run = await keyrite('rehearse', join(CEREMONIES, '01-root-key-generation.yaml'), '--answers', answers, '--out', out);
    expect(run.code).toBe(1);
    expect(run.err).toContain('CEREMONY_CUSTODY_READ_BACK_MISMATCH');
    expect(run.err).toContain("tamper-bag 'laptop bag'");
    const events = bundleEvents(out);
    const refused = events.find((e) => e.type === 'ceremony/refused');
    expect(refused?.step).toBe('custody-serials');
    expect(refused?.payload['code']).toBe('CEREMONY_CUSTODY_READ_BACK_MISMATCH');
    expect(events.some((e) => e.type === 'step/result' && e.step === 'custody-serials')).toBe(false);
    expect(events.at(-1)?.payload['outcome']).toBe('aborted');
    expect((await keyrite('verify', join(out, 'bundle.tar'))).code).toBe(0);
  });

  it('ceremony 7 records every object as the logged-in user and checks the policy; the bundle verifies', async () => {
    const { events } = await rehearseBuiltIn('07-hsm-inventory-and-policy.yaml', '07-hsm-inventory-and-policy.answers.yaml');
    const snapshot = events.find((e) => e.type === 'step/result' && e.step === 'snapshot')?.payload['result'] as Record<string, unknown>;
    expect(snapshot['view']).toBe('user');
    expect(snapshot['snapshotSha256']).toMatch(/^[0-9a-f]{64}$/);
    const policy = events.find((e) => e.type === 'step/result' && e.step === 'policy')?.payload['result'] as Record<string, unknown>;
    expect(policy['violations']).toEqual([]);
    expect(policy['added']).toEqual([]);
  });
});

describe('keyrite rehearse: ceremony 5 over ceremony 1\'s root key', () => {
  it('deprecates ceremony 1\'s key, waits out grace and waiting period on the rehearsal clock (each jump recorded), destroys both halves with evidence; exactly the pair is removed and the token holds nothing', async () => {
    const { out: earlier, events: before } = await rootCeremony();
    // Ceremony 1's output as ./previous next to the fixture answers (they name previous/bundle and previous/rehearsal-hsm).
    const root = dirname(freshOut());
    cpSync(earlier, join(root, 'previous'), { recursive: true });
    const answers = join(root, 'answers.yaml');
    cpSync(join(FIXTURES, '05-key-destruction.answers.yaml'), answers);
    const { out, events } = await rehearseBuiltIn('05-key-destruction.yaml', answers, join(root, 'out'));
    const generated = resultOf(before, 'generate-root');
    const label = String(generated['label']);
    // The token is a copy of ceremony 1's, and the open says so.
    const mapped = events.find((e) => e.type === 'rehearsal/tokens-mapped')?.payload;
    const earlierToken = (before.find((e) => e.type === 'rehearsal/tokens-mapped')?.payload['mappings'] as { label: string; serial: string }[])[0];
    expect(mapped?.['mappings']).toEqual([expect.objectContaining({ hsm: 'primary', label: earlierToken?.label, serial: earlierToken?.serial, copiedFrom: join(root, 'previous', 'rehearsal-hsm') })]);
    expect(mapped?.['note']).toContain('copy of token');
    // The key's record comes from ceremony 1's verified bundle.
    const verified = events.find((e) => e.type === 'previous/verified')?.payload;
    expect(verified?.['ceremonyId']).toBe(String(before[0]?.payload['signingKey']).split('+')[0]);
    expect(verified?.['fingerprint']).toBe(generated['fingerprint']);
    // Deprecated, then scheduled after the grace period, then destroyed after the waiting period, all on ceremony 1's key.
    const deprecated = resultOf(events, 'deprecate');
    const scheduled = resultOf(events, 'schedule');
    const destroyed = resultOf(events, 'destroy');
    const at = (value: unknown) => Date.parse(String(value));
    for (const r of [deprecated, scheduled, destroyed]) expect(r['fingerprint']).toBe(generated['fingerprint']);
    expect(deprecated['keyId']).toBe(generated['keyId']);
    expect(at(deprecated['graceEndsAt']) - at(deprecated['deprecatedAt'])).toBe(7 * 86_400_000);
    expect(at(scheduled['scheduledAt'])).toBeGreaterThanOrEqual(at(deprecated['graceEndsAt']));
    expect(at(scheduled['notBefore']) - at(scheduled['scheduledAt'])).toBe(30 * 86_400_000);
    expect(at(destroyed['destroyedAt'])).toBeGreaterThanOrEqual(at(scheduled['notBefore']));
    // The rehearsal skipped time twice, each jump recorded (from, to, why) before the step that waited acted.
    const jumps = events.filter((e) => e.type === 'rehearsal/clock-advanced');
    expect(jumps.map((j) => j.step)).toEqual(['schedule', 'destroy']);
    expect(jumps.map((j) => j.payload['to'])).toEqual([deprecated['graceEndsAt'], scheduled['notBefore']]);
    for (const jump of jumps) {
      expect(at(jump.payload['from'])).toBeLessThan(at(jump.payload['to']));
      expect(jump.payload['why']).toContain("key 'root'");
      expect(jump.seq).toBeLessThan(events.find((e) => e.type === 'step/result' && e.step === jump.step)?.seq ?? -1);
    }
    // The evidence record is in the transcript, and evidenceSha256 is the SHA-256 of its canonical JSON.
    const record = events.find((e) => e.type === 'key/destroyed')?.payload as { evidence: { destroyed: { objects: { class: string }[]; proof: { found: number } }; absence: { found: number } }; evidenceSha256: string };
    expect(createHash('sha256').update(canonicalJson(record.evidence)).digest('hex')).toBe(destroyed['evidenceSha256']);
    expect(record.evidenceSha256).toBe(destroyed['evidenceSha256']);
    expect(record.evidence.destroyed.objects.map((o) => o.class).sort()).toEqual(['private-key', 'public-key']);
    expect([record.evidence.destroyed.proof.found, record.evidence.absence.found]).toEqual([0, 0]);
    // The inventory diff shows exactly the root key pair removed, nothing else.
    const diff = resultOf(events, 'inventory-after');
    expect(diff['removed']).toEqual([{ class: 'private-key', id: generated['keyId'], label }, { class: 'public-key', id: generated['keyId'], label }]);
    expect([diff['added'], diff['changed'], diff['violations']]).toEqual([[], [], []]);
    // And the token itself holds nothing any more.
    expect(await onRehearsalToken(join(out, 'rehearsal-hsm'), 'primary', async (session) => (await takeInventory(session)).objects)).toEqual([]);
  }, 60_000);
});

type Events = ReturnType<typeof bundleEvents>;

/** Ceremony 2 runs once; the ceremonies over its shares (6, 3) reuse its output. */
let ceremony2: Promise<{ out: string; events: Events }> | undefined;
const splitCeremony = () => (ceremony2 ??= rehearseBuiltIn('02-master-key-split-and-load.yaml', '02-master-key-split-and-load.answers.yaml'));

/** A folder with ceremony 2's output as ./previous and the fixture answers next to it (they name previous/...). */
async function overPrevious(fixture: string, edit: (answers: Record<string, unknown>) => Record<string, unknown> = (a) => a): Promise<{ answers: string; out: string }> {
  const { out: previous } = await splitCeremony();
  const root = dirname(freshOut());
  cpSync(previous, join(root, 'previous'), { recursive: true });
  const answers = join(root, 'answers.yaml');
  writeFileSync(answers, stringify(edit(parse(readFileSync(join(FIXTURES, fixture), 'utf8')) as Record<string, unknown>)));
  return { answers, out: join(root, 'out') };
}

describe('keyrite rehearse: ceremony 2 and the ceremonies over its shares', () => {
  it('ceremony 2 splits a master key 3-of-5, writes each share to its custodian, loads it into two HSMs and the check values agree', async () => {
    const { out, events } = await splitCeremony();
    const result = (step: string) => resultOf(events, step);
    // Both placeholder tokens (one named by serial and label, one by URI) are mapped to distinct fresh tokens.
    const mappings = events.find((e) => e.type === 'rehearsal/tokens-mapped')?.payload['mappings'] as { hsm: string; scriptToken: string; serial: string }[];
    expect(mappings.map((m) => m.hsm)).toEqual(['primary', 'backup']);
    expect(mappings[1]?.scriptToken).toContain('pkcs11:token=keyrite-backup');
    expect(new Set(mappings.map((m) => m.serial)).size).toBe(2);
    // The split: 3 of 5, one share per custodian, recorded as a share set.
    const issued = events.find((e) => e.type === 'share-set/issued')?.payload;
    expect(issued?.['threshold']).toBe(3);
    expect(issued?.['custodians']).toEqual(['carl', 'dora', 'ed', 'fay', 'gus']);
    // Each custodian's medium holds exactly their share, with the hash the transcript recorded.
    const written = result('write-shares')['written'] as { custodian: string; file: string; sha256: string }[];
    expect(written).toHaveLength(5);
    for (const w of written) {
      expect(w.file.startsWith(`media/${w.custodian}/keyrite-share-`)).toBe(true);
      expect(createHash('sha256').update(readFileSync(join(out, w.file))).digest('hex')).toBe(w.sha256);
    }
    // Five distinct custodians and a witness signed off the written shares.
    const signers = events.filter((e) => e.type === 'sign-off/recorded' && e.step === 'write-shares').map((e) => e.payload['role']);
    expect(signers.filter((r) => r === 'custodian')).toHaveLength(5);
    // The check value computed at generation is what both HSMs report after the load.
    const generated = result('generate-master');
    const compared = result('compare-check-values');
    expect(compared['matches']).toBe(true);
    expect(compared['checkValue']).toBe(generated['checkValue']);
    expect(compared['reported']).toEqual({ primary: generated['checkValue'], backup: generated['checkValue'] });
    expect(result('load')['engineCopyWiped']).toBe(true);
    // Only the master key appeared on each HSM, not extractable.
    for (const step of ['inventory-primary', 'inventory-backup']) {
      expect(result(step)['added']).toEqual([expect.objectContaining({ class: 'secret-key', label: 'Master key 2026' })]);
      expect(result(step)['violations']).toEqual([]);
    }
  });

  it('ceremony 6: a custodian proves custody of the share ceremony 2 recorded for them; nothing is rebuilt', async () => {
    const { answers, out } = await overPrevious('06-custody-audit.answers.yaml');
    const { events } = await rehearseBuiltIn('06-custody-audit.yaml', answers, out);
    const previous = (await splitCeremony()).events;
    const audit = resultOf(events, 'audit');
    expect(audit['shareSetId']).toBe(previous.find((e) => e.type === 'share-set/issued')?.payload['shareSetId']);
    expect((audit['custodiansProven'] as { custodian: string }[]).map((c) => c.custodian)).toEqual(['carl']);
    expect(audit['custodiansMissing']).toEqual(['dora', 'ed', 'fay', 'gus']);
    // The record came from ceremony 2's verified bundle, named by its ceremony id.
    expect(events.find((e) => e.type === 'previous/verified')?.payload['ceremonyId']).toBe(previous[0]?.payload['signingKey']?.toString().split('+')[0]);
    expect(events.some((e) => e.type === 'key/created' || e.type === 'exception/recorded')).toBe(false);
  });

  it('ceremony 6: a share that is not the custodian\'s is refused by the shares module and recorded as a signed exception', async () => {
    const { answers, out } = await overPrevious('06-custody-audit.answers.yaml', (a) => ({ ...a, previous: { bundle: 'previous/bundle', shares: { carl: 'previous/media/dora' } } }));
    const run = await keyrite('rehearse', join(CEREMONIES, '06-custody-audit.yaml'), '--answers', answers, '--out', out);
    expect(run.code).toBe(0); // the script lets a custody finding continue, under a signed exception
    const events = bundleEvents(out);
    const audit = resultOf(events, 'audit');
    expect(audit['custodiansFailed']).toEqual([expect.objectContaining({ custodian: 'carl', code: 'SHARE_NOT_RECORDED' })]);
    const exception = events.find((e) => e.type === 'exception/recorded');
    expect(exception?.payload['decision']).toBe('continue');
    expect(exception?.actors).toEqual(['ada', 'wendy']);
    expect(events.find((e) => e.type === 'step/completed' && e.step === 'audit')?.payload['deviation']).toBe(true);
  });

  it('ceremony 3: three custodians rebuild the master key, authenticated against ceremony 2\'s commitment, and load it into a replacement HSM', async () => {
    const { answers, out } = await overPrevious('03-recovery.answers.yaml');
    const { events } = await rehearseBuiltIn('03-recovery.yaml', answers, out);
    const previous = (await splitCeremony()).events;
    const collected = resultOf(events, 'collect');
    expect((collected['custodiansPresent'] as { custodian: string }[]).map((c) => c.custodian)).toEqual(['carl', 'ed', 'gus']);
    // The same key: its fingerprint and check value are ceremony 2's.
    expect(collected['fingerprint']).toBe(resultOf(previous, 'generate-master')['fingerprint']);
    expect(collected['commitment']).toBe(resultOf(previous, 'split')['commitment']);
    const compared = resultOf(events, 'compare-check-values');
    expect(compared['matches']).toBe(true);
    expect(compared['reported']).toEqual({ replacement: resultOf(previous, 'generate-master')['checkValue'] });
    expect(resultOf(events, 'inventory-after')['added']).toEqual([expect.objectContaining({ class: 'secret-key', label: 'Master key 2026' })]);
  });
});

describe('keyrite rehearse: usage', () => {
  it('refuses an answers file that does not match the schema, naming the field, before running anything', async () => {
    const out = freshOut();
    const answers = `${out}-answers.yaml`;
    writeFileSync(answers, 'participants:\n  - { id: ada, name: Ada, role: admin, passphrase: "long enough" }\n');
    const run = await keyrite('rehearse', join(CEREMONIES, '07-hsm-inventory-and-policy.yaml'), '--answers', answers, '--out', out);
    expect(run.code).toBe(64);
    expect(run.err).toContain('participants.0.role');
    expect(existsSync(out)).toBe(false);
  });

  it('requires --answers and --out, and documents the answers file in --help', async () => {
    expect((await keyrite('rehearse', 'x.yaml')).code).toBe(64);
    const help = await keyrite('rehearse', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('participants:');
    expect(help.out).toContain('witnessTime');
  });
});

const SCRIPT = join(CEREMONIES, '07-hsm-inventory-and-policy.yaml');
const baseAnswers = () => parse(readFileSync(join(FIXTURES, '07-hsm-inventory-and-policy.answers.yaml'), 'utf8')) as Record<string, unknown>;

async function rehearseWith(change: Record<string, unknown>, script = SCRIPT) {
  const out = freshOut();
  const answers = `${out}-answers.yaml`;
  writeFileSync(answers, stringify({ ...baseAnswers(), ...change }));
  const run = await keyrite('rehearse', script, '--answers', answers, '--out', out);
  const verify = await keyrite('verify', join(out, 'bundle.tar'));
  return { run, verify, events: bundleEvents(out) };
}

/** What every refused run must show: non-zero exit, the rule in the error, a recorded refusal, an aborted close, a bundle that verifies. */
function expectRefused(r: Awaited<ReturnType<typeof rehearseWith>>, code: string, step: string | null) {
  expect(r.run.code).toBe(1);
  expect(r.run.err).toContain(code);
  const refused = r.events.find((e) => e.type === 'ceremony/refused');
  expect(refused?.payload['code']).toBe(code);
  expect(refused?.step).toBe(step);
  expect(r.events.at(-1)?.payload['outcome']).toBe('aborted');
  expect(r.verify.code).toBe(0);
  expect(r.verify.out).toContain('VERIFIED');
}

describe('keyrite rehearse: ceremony 4', () => {
  it('ceremony 4 reshares 3-of-5 into 2-of-4 with a new custodian, revokes the old set, and two new shares rebuild the same key', async () => {
    const { answers, out } = await overPrevious('04-reshare.answers.yaml');
    const { events } = await rehearseBuiltIn('04-reshare.yaml', answers, out);
    const previous = (await splitCeremony()).events;
    const oldSet = previous.find((e) => e.type === 'share-set/issued')?.payload;
    const newSet = events.find((e) => e.type === 'share-set/issued')?.payload;
    expect(newSet?.['threshold']).toBe(2);
    expect(newSet?.['custodians']).toEqual(['carl', 'ed', 'gus', 'hal']);
    expect(newSet?.['shareSetId']).not.toBe(oldSet?.['shareSetId']);
    const revoked = events.find((e) => e.type === 'share-set/revoked')?.payload;
    expect(revoked?.['shareSetId']).toBe(oldSet?.['shareSetId']);
    expect(revoked?.['replacedBy']).toEqual([newSet?.['shareSetId']]);
    // The new shares on hal's and carl's media rebuild the key ceremony 2 generated (same fingerprint).
    const session = new RebuildSession({ ceremonyId: String(events[0]?.payload['signingKey']).split('+')[0] as string });
    for (const [who, pass] of [['hal', 'hal share passphrase'], ['carl', 'carl share passphrase']] as const) {
      const folder = join(out, 'media', who);
      const name = readdirSync(folder).find((f) => f.endsWith('.share')) as string;
      const accepted = await session.accept({ kind: 'file', name, bytes: new Uint8Array(readFileSync(join(folder, name))) }, new SecretBytes(new TextEncoder().encode(pass)));
      expect(accepted.accepted).toBe(true);
    }
    const rebuilt = await session.rebuild();
    if (!rebuilt.ok) throw rebuilt.error;
    const fingerprint = rebuilt.rebuilt.secret.expose((bytes) => createHash('sha256').update('keyrite/secret-fingerprint/v1\0').update(bytes).digest('hex'));
    rebuilt.rebuilt.secret.wipe();
    expect(fingerprint).toBe(resultOf(previous, 'generate-master')['fingerprint']);
  });
});

describe('keyrite rehearse: a share from another ceremony', () => {
  it('is refused by the rebuild and recorded; with too few shares left the recovery aborts before any key is loaded', async () => {
    const other = await rehearseBuiltIn('02-master-key-split-and-load.yaml', '02-master-key-split-and-load.answers.yaml');
    const { answers, out } = await overPrevious('03-recovery.answers.yaml', (a) => ({ ...a, previous: { bundle: 'previous/bundle', shares: { carl: 'previous/media/carl', ed: 'previous/media/ed', gus: join(other.out, 'media', 'gus') } } }));
    const run = await keyrite('rehearse', join(CEREMONIES, '03-recovery.yaml'), '--answers', answers, '--out', out);
    expect(run.code).toBe(1);
    expect(run.err).toContain('CEREMONY_SHARES_SHORT');
    const events = bundleEvents(out);
    const refusedShare = events.find((e) => e.type === 'share/refused');
    expect(refusedShare?.actors).toEqual(['gus']);
    expect(refusedShare?.payload['code']).toMatch(/^SHARE_OTHER_(CEREMONY|SET)$/);
    expect(events.find((e) => e.type === 'ceremony/refused')?.step).toBe('collect');
    expect(events.some((e) => e.type === 'key/created')).toBe(false);
    expect((await keyrite('verify', join(out, 'bundle.tar'))).code).toBe(0);
  });
});

describe('keyrite rehearse refuses and records', () => {
  it('a malformed script: every problem with its line, recorded in a transcript of its own, exit 65', async () => {
    const out = freshOut();
    const broken = `${out}-script.yaml`;
    writeFileSync(broken, readFileSync(SCRIPT, 'utf8').replace('action: hsm.login', 'action: hsm.logon').replace('{ roles: [witness], count: 1 }', '{ roles: [witness], count: 0 }'));
    const run = await keyrite('rehearse', broken, '--answers', join(FIXTURES, '07-hsm-inventory-and-policy.answers.yaml'), '--out', out);
    expect(run.code).toBe(65);
    expect(run.err).toMatch(/CEREMONY_SCRIPT_INVALID|has \d+ errors?/);
    expect(run.err).toMatch(/\d+:\d+ steps\[\d+\]/);
    const events = bundleEvents(out);
    const refused = events.find((e) => e.type === 'ceremony/refused');
    expect(refused?.payload['code']).toBe('CEREMONY_SCRIPT_INVALID');
    expect((refused?.payload['problems'] as unknown[]).length).toBeGreaterThanOrEqual(2);
    expect(events.filter((e) => e.type === 'step/completed')).toEqual([]);
    expect((await keyrite('verify', join(out, 'bundle.tar'))).code).toBe(0);
  });

  it('a sign-off by the wrong role: the administrator cannot give the witness approval of the login', async () => {
    const r = await rehearseWith({ signers: { 'login/approval': ['ada'] } });
    expectRefused(r, 'CEREMONY_SIGN_OFF_WRONG_ROLE', 'login');
    // Nothing after the refusal: no login result.
    expect(r.events.some((e) => e.type === 'step/result' && e.step === 'login')).toBe(false);
  });

  it('the same person twice for dual control: the second signature of one witness is refused', async () => {
    const r = await rehearseWith({ signers: { 'policy/sign-off': ['wendy', 'wendy'] } });
    expectRefused(r, 'CEREMONY_SIGN_OFF_DUPLICATE', 'policy');
    // The first signature counted and was recorded; the step never completed.
    expect(r.events.filter((e) => e.type === 'sign-off/recorded' && e.step === 'policy')).toHaveLength(1);
    expect(r.events.some((e) => e.type === 'step/completed' && e.step === 'policy')).toBe(false);
  });

  // This container is online; an offline machine would pass the check, so the test only runs online.
  const online = Object.values(networkInterfaces()).flat().some((i) => i !== undefined && !i.internal);
  it.runIf(online)('a production-mode script on an online machine stops at the air-gap check, whatever its onException says', async () => {
    const out = freshOut();
    const script = `${out}-production.yaml`;
    writeFileSync(script, readFileSync(SCRIPT, 'utf8').replace('mode: rehearsal', 'mode: production').replace('airGap: warn', 'airGap: enforce'));
    const run = await keyrite('rehearse', script, '--answers', join(FIXTURES, '07-hsm-inventory-and-policy.answers.yaml'), '--out', out);
    expect(run.code).toBe(1);
    expect(run.err).toContain('CEREMONY_AIR_GAP_REFUSED');
    const events = bundleEvents(out);
    expect(events.find((e) => e.type === 'ceremony/refused')?.step).toBe('air-gap');
    expect(events.some((e) => e.type === 'step/completed')).toBe(false);
  });

  it('a wrong PIN: the HSM refuses the login, and no step after it runs', async () => {
    const r = await rehearseWith({ pins: { primary: '97531864' } });
    expectRefused(r, 'HSM_PIN_INCORRECT', 'login');
    expect(r.run.err).toContain('attempt 1 of');
    expect(r.events.some((e) => e.type === 'step/completed' && e.step === 'login')).toBe(false);
    expect(r.events.some((e) => e.type === 'step/result' && e.step === 'snapshot')).toBe(false);
    expect(JSON.stringify(r.events)).not.toContain('97531864');
  });
});
