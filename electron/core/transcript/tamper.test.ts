import fc from 'fast-check';
import { ed25519 } from '@noble/curves/ed25519.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { JOURNAL_PATH } from '../../../shared/transcript/bundle.ts';
import { SIGNATURE_TYPE, formatNote, makeVerifierKey, parseNote } from '../../../shared/transcript/note.ts';
import { verifyTranscript, type VerificationResult } from '../../../shared/transcript/verify.ts';
import { fixtureCeremonyId, fixtureTranscript } from './fixtures.ts';
import { nodeSha256 } from './node-sha256.ts';

let journal: Uint8Array;
let lines: Uint8Array[];
let checkpoints: { name: string; note: string }[];
let keys: string[];
const verify = (j: Uint8Array, c = checkpoints): VerificationResult => verifyTranscript({ journal: j, checkpoints: c, trustedKeys: keys }, { sha256: nodeSha256 });
const join = (ls: Uint8Array[]) => new Uint8Array(Buffer.concat(ls.flatMap((l) => [l, Buffer.from('\n')])));

beforeAll(async () => {
  const fixture = await fixtureTranscript(200, [100, 200]);
  journal = fixture.transcript.files().get(JOURNAL_PATH) as Uint8Array;
  lines = fixture.transcript.lines;
  checkpoints = [...fixture.transcript.checkpoints].map(([path, note]) => ({ name: path.split('/')[1] as string, note }));
  keys = fixture.keys;
});

type Tamper =
  | { kind: 'edit'; at: number; byte: number }
  | { kind: 'swap'; i: number; j: number }
  | { kind: 'delete'; i: number }
  | { kind: 'duplicate'; i: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'append'; garbage: string }
  | { kind: 'replace-signature'; checkpoint: number; seed: number }
  | { kind: 'resign-unknown-key'; checkpoint: number }
  | { kind: 'edit-checkpoint'; checkpoint: number; at: number; byte: number };

const tamper: fc.Arbitrary<Tamper> = fc.oneof(
  fc.record({ kind: fc.constant('edit' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('swap' as const), i: fc.nat(199), j: fc.nat(199) }),
  fc.record({ kind: fc.constant('delete' as const), i: fc.nat(199) }),
  fc.record({ kind: fc.constant('duplicate' as const), i: fc.nat(199) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('append' as const), garbage: fc.string() }),
  fc.record({ kind: fc.constant('replace-signature' as const), checkpoint: fc.nat(1), seed: fc.nat() }),
  fc.record({ kind: fc.constant('resign-unknown-key' as const), checkpoint: fc.nat(1) }),
  fc.record({ kind: fc.constant('edit-checkpoint' as const), checkpoint: fc.nat(1), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
);

function lineOf(offset: number): number {
  let line = 0;
  for (let i = 0; i < offset; i++) if (journal[i] === 0x0a) line++;
  return line;
}

function withCheckpoint(index: number, change: (note: string) => string) {
  return checkpoints.map((c, i) => (i === index ? { ...c, note: change(c.note) } : c));
}

/** Applies a tampering; returns the verification and, where it is defined, the index that must be blamed. */
function apply(t: Tamper): { result: VerificationResult; blame?: number } | undefined {
  switch (t.kind) {
    case 'edit': {
      const at = t.at % journal.length;
      if (journal[at] === t.byte) return undefined;
      const copy = journal.slice();
      copy[at] = t.byte;
      return { result: verify(copy), blame: lineOf(at) };
    }
    case 'swap': {
      if (t.i === t.j) return undefined;
      const [i, j] = t.i < t.j ? [t.i, t.j] : [t.j, t.i];
      const copy = [...lines];
      [copy[i], copy[j]] = [copy[j] as Uint8Array, copy[i] as Uint8Array];
      return { result: verify(join(copy)), blame: i };
    }
    case 'delete':
      return { result: verify(join(lines.filter((_, k) => k !== t.i))), blame: t.i };
    case 'duplicate': {
      const copy = [...lines];
      copy.splice(t.i + 1, 0, lines[t.i] as Uint8Array);
      return { result: verify(join(copy)), blame: t.i + 1 };
    }
    case 'truncate':
      return { result: verify(journal.slice(0, t.at % journal.length)) };
    case 'append':
      return { result: verify(new Uint8Array(Buffer.concat([journal, Buffer.from(`${t.garbage}\n`)]))) };
    case 'replace-signature':
      return { result: verify(journal, withCheckpoint(t.checkpoint, (note) => {
        const parsed = parseNote(note);
        if (typeof parsed === 'string') throw new Error(parsed);
        const [first, ...rest] = parsed.signatures;
        if (first === undefined) throw new Error('unsigned fixture');
        const signature = Uint8Array.from({ length: 64 }, (_, k) => (t.seed * 31 + k * 7) & 255);
        return formatNote({ text: parsed.text, signatures: [{ ...first, signature }, ...rest] });
      })) };
    case 'resign-unknown-key':
      return { result: verify(journal, withCheckpoint(t.checkpoint, (note) => {
        const parsed = parseNote(note);
        if (typeof parsed === 'string') throw new Error(parsed);
        const secret = new Uint8Array(32).fill(0x99);
        const key = makeVerifierKey(fixtureCeremonyId, SIGNATURE_TYPE.ed25519, ed25519.getPublicKey(secret));
        const signature = { keyName: key.name, keyId: key.keyId, signature: ed25519.sign(new TextEncoder().encode(parsed.text), secret) };
        return formatNote({ text: parsed.text, signatures: [signature, ...parsed.signatures.slice(1)] });
      })) };
    case 'edit-checkpoint': {
      const note = checkpoints[t.checkpoint]?.note ?? '';
      const bytes = Buffer.from(note);
      const at = t.at % bytes.length;
      if (bytes[at] === t.byte) return undefined;
      bytes[at] = t.byte;
      return { result: verify(journal, withCheckpoint(t.checkpoint, () => bytes.toString('latin1') === note ? note : new TextDecoder().decode(bytes))) };
    }
  }
}

describe('tampering with a 200-event bundle', () => {
  it('the untouched fixture verifies', () => {
    const result = verify(journal);
    expect(result.status).toBe('verified');
    expect(result.signedSize).toBe(200);
    expect(result.checkpoints.map((c) => c.cosigners.length)).toEqual([1, 1]);
  });

  it('5,000 random tamperings are all detected; edits, swaps and deletions name the first bad event', () => {
    let checked = 0;
    fc.assert(
      fc.property(tamper, (t) => {
        const outcome = apply(t);
        if (outcome === undefined) return; // a no-op (same byte, same line): nothing was changed
        checked++;
        expect(outcome.result.status, JSON.stringify(t)).not.toBe('verified');
        if (outcome.blame !== undefined && t.kind !== 'duplicate') expect(outcome.result.firstBadEvent?.index, `${JSON.stringify(t)}: ${outcome.result.summary}`).toBe(outcome.blame);
        if (t.kind === 'duplicate') expect(outcome.result.firstBadEvent?.index).toBe(outcome.blame);
      }),
      { numRuns: 5000 },
    );
    expect(checked).toBeGreaterThan(4900);
  });

  it('an appended valid event is reported as an unsigned tail, not as verified', async () => {
    const fixture = await fixtureTranscript(201, [100, 200]);
    const result = verify(fixture.transcript.journalBytes());
    expect(result.status).toBe('unsigned-tail');
    expect(result.unsignedTail).toEqual({ from: 200, count: 1 });
  });

  it('a signature line from an unknown key is tampering in a bundle, and ignored under plain signed-note rules', () => {
    const extra = withCheckpoint(1, (note) => `${note}\u2014 someone.else/key AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n`);
    expect(verify(journal, extra).badCheckpoint?.reason).toMatch(/from no trusted key/);
    const lenient = verifyTranscript({ journal, checkpoints: extra, trustedKeys: keys }, { allowUnknownSigners: true });
    expect(lenient.status).toBe('verified');
    expect(lenient.checkpoints[1]?.ignoredSignatures).toBe(1);
  });

  it('without the ceremony key nothing can be verified', () => {
    const result = verifyTranscript({ journal, checkpoints, trustedKeys: [keys[1] as string] });
    expect(result.status).toBe('unreadable');
  });
});
