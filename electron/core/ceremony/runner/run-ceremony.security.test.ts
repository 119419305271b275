import { join } from 'node:path';
import { hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { isRunNonce, SIGN_OFF_DOMAIN, verifySignature } from '../../../../shared/ceremony/sign-off.ts';
import { loadScriptFile } from '../read-script.ts';
import { loadAnswersFile } from './answers.ts';
import { runRehearsal } from './run-ceremony.ts';
import { bundleEvents, CEREMONIES, FIXTURES, freshOut, type RecordedEvent } from './test-support.ts';

/** Low cost for tests only; the production cost is PARTICIPANT_KDF. */
const cheap = { memoryKiB: 256, passes: 1, parallelism: 1 };

/** Runs built-in ceremony 7 (smallest cast) once and returns its transcript. */
async function rehearse(): Promise<RecordedEvent[]> {
  const parsed = await loadScriptFile(join(CEREMONIES, '07-hsm-inventory-and-policy.yaml'));
  const answers = await loadAnswersFile(join(FIXTURES, '07-hsm-inventory-and-policy.answers.yaml'));
  const out = freshOut();
  const outcome = await runRehearsal({ parsed, inputs: { answers }, outFolder: out, kdfCost: cheap });
  expect(outcome.status).toBe('closed');
  return bundleEvents(out);
}

const signOffs = (events: RecordedEvent[]) =>
  events.filter((e) => e.type === 'sign-off/recorded').map((e) => ({
    key: `${String(e.step)}/${String(e.payload['stage'])}/${String(e.payload['witness'])}`,
    contentSha256: String(e.payload['contentSha256']),
    claim: { participantId: String(e.payload['witness']), publicKey: String(e.payload['publicKey']), signature: String(e.payload['signature']) },
  }));

describe('threat: a rehearsal run\'s sign-offs replayed in another run of the same script', () => {
  it('each run records its own nonce in ceremony/opened, and a sign-off of one run does not verify over the other run\'s content', async () => {
    const [a, b] = [await rehearse(), await rehearse()];
    const nonceA = a[0]?.payload['runNonce'];
    const nonceB = b[0]?.payload['runNonce'];
    expect(a[0]?.type).toBe('ceremony/opened');
    expect(isRunNonce(nonceA) && isRunNonce(nonceB)).toBe(true);
    expect(nonceA).not.toBe(nonceB);
    const signedA = signOffs(a);
    const signedB = new Map(signOffs(b).map((s) => [s.key, s]));
    expect(signedA.length).toBeGreaterThan(0);
    for (const s of signedA) {
      const other = signedB.get(s.key);
      expect(other, s.key).toBeDefined();
      // Same person, same key (the credential depends on passphrase, ceremony id and participant id only)...
      expect(other?.claim.publicKey).toBe(s.claim.publicKey);
      // ...but the content differs by the nonce, so run A's signature is worthless in run B.
      expect(verifySignature(SIGN_OFF_DOMAIN, hexToBytes(s.contentSha256), s.claim)).toBe(true);
      expect(other?.contentSha256).not.toBe(s.contentSha256);
      expect(verifySignature(SIGN_OFF_DOMAIN, hexToBytes(other?.contentSha256 ?? ''), s.claim)).toBe(false);
    }
  });
});
