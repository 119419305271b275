/**
 * Tamperings of a 200-event evidence bundle, for the property tests: the
 * verifier must catch every one (tamper.test.ts), and the parallel host must
 * say exactly what the pure verifier says (verify-in-parallel.test.ts).
 * Test support only.
 */
import fc from 'fast-check';
import { ed25519 } from '@noble/curves/ed25519.js';
import { CHECKPOINT_FOLDER, JOURNAL_PATH, KEYS_PATH, MANIFEST_PATH, buildManifest } from '../../../shared/transcript/bundle.ts';
import { bytesToHex, utf8ToBytes } from '../../../shared/transcript/bytes.ts';
import { GENESIS_PREV, canonicalLine } from '../../../shared/transcript/event.ts';
import { takeParts } from '../../../shared/transcript/journal-parts.ts';
import { hashJournalTree } from '../../../shared/transcript/journal-tree.ts';
import { leafHash } from '../../../shared/transcript/merkle.ts';
import { SIGNATURE_TYPE, formatNote, makeVerifierKey, parseNote } from '../../../shared/transcript/note.ts';
import { fixtureCeremonyId, fixtureTranscript } from './fixtures.ts';
import { nodeSha256 } from './node-sha256.ts';
import type { Helpers } from './verify-in-parallel.ts';

export type Notes = { name: string; note: string }[];

export interface TamperFixture {
  readonly journal: Uint8Array;
  readonly lines: Uint8Array[];
  readonly checkpoints: Notes;
  readonly keys: string[];
}

export const TAMPER_CHECKPOINTS_AT = [100, 200];

export const notesOf = (transcript: { checkpoints: ReadonlyMap<string, string> }): Notes => [...transcript.checkpoints].map(([path, note]) => ({ name: path.split('/')[1] as string, note }));

/** A closed 200-event transcript, checkpointed (and cosigned) at 100 and 200. */
export async function tamperFixture(): Promise<TamperFixture> {
  const fixture = await fixtureTranscript(200, TAMPER_CHECKPOINTS_AT);
  return { journal: fixture.transcript.files().get(JOURNAL_PATH) as Uint8Array, lines: fixture.transcript.lines, checkpoints: notesOf(fixture.transcript), keys: fixture.keys };
}

/**
 * The files of an evidence bundle holding this journal and these notes, with
 * the manifest rebuilt over them (as an attacker who changed them would), so
 * the manifest never gives a tampering away: the transcript rules must.
 */
export function bundleFiles(keys: readonly string[], journal: Uint8Array, checkpoints: Notes, manifestCeremony = fixtureCeremonyId): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>([[JOURNAL_PATH, journal], [KEYS_PATH, utf8ToBytes(keys.map((k) => `${k}\n`).join(''))]]);
  for (const { name, note } of checkpoints) files.set(`${CHECKPOINT_FOLDER}${name}`, utf8ToBytes(note));
  files.set(MANIFEST_PATH, utf8ToBytes(JSON.stringify(buildManifest(manifestCeremony, '2026-11-28T18:00:00.000Z', files, nodeSha256))));
  return files;
}

export const joinLines = (ls: Uint8Array[]) => new Uint8Array(Buffer.concat(ls.flatMap((l) => [l, Buffer.from('\n')])));

/** A well-formed `ceremony/closed` event linked after the first `count` lines: anyone can write one (the chain is unkeyed). */
export function forgedClose(lines: readonly Uint8Array[], count: number): Uint8Array {
  const prev = count === 0 ? GENESIS_PREV : bytesToHex(leafHash(lines[count - 1] as Uint8Array, nodeSha256));
  return utf8ToBytes(canonicalLine({ v: 1, seq: count, ceremony: fixtureCeremonyId, at: '2026-11-28T11:00:00.000Z', mono: 0, type: 'ceremony/closed', actors: [], step: null, payload: { outcome: 'completed' }, prev }));
}

export type Tamper =
  | { kind: 'edit'; at: number; byte: number }
  | { kind: 'swap'; i: number; j: number }
  | { kind: 'delete'; i: number }
  | { kind: 'duplicate'; i: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'append'; garbage: string }
  | { kind: 'replace-signature'; checkpoint: number; seed: number }
  | { kind: 'resign-unknown-key'; checkpoint: number }
  | { kind: 'edit-checkpoint'; checkpoint: number; at: number; byte: number }
  // Keep the first `at` events, drop the checkpoints past them, rebuild the
  // manifest (naming any ceremony): hides everything after the cut.
  | { kind: 'cut'; at: number; forgeClose: boolean; otherCeremony: boolean };

export const tamper: fc.Arbitrary<Tamper> = fc.oneof(
  fc.record({ kind: fc.constant('edit' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('swap' as const), i: fc.nat(199), j: fc.nat(199) }),
  fc.record({ kind: fc.constant('delete' as const), i: fc.nat(199) }),
  fc.record({ kind: fc.constant('duplicate' as const), i: fc.nat(199) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('append' as const), garbage: fc.string() }),
  fc.record({ kind: fc.constant('replace-signature' as const), checkpoint: fc.nat(1), seed: fc.nat() }),
  fc.record({ kind: fc.constant('resign-unknown-key' as const), checkpoint: fc.nat(1) }),
  fc.record({ kind: fc.constant('edit-checkpoint' as const), checkpoint: fc.nat(1), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  // Cuts exactly at checkpoint 100 (every remaining signature valid) as often as anywhere else.
  fc.record({ kind: fc.constant('cut' as const), at: fc.oneof(fc.constant(100), fc.integer({ min: 0, max: 199 })), forgeClose: fc.boolean(), otherCeremony: fc.boolean() }),
);

/** A tampered bundle's journal, notes and manifest ceremony, and the index that must be blamed where it is defined. */
export interface Tampered {
  readonly journal: Uint8Array;
  readonly checkpoints: Notes;
  readonly manifestCeremony?: string;
  readonly blame?: number;
}

/** Applies a tampering to the fixture; undefined for a no-op (same byte). */
export function applyTamper(f: TamperFixture, t: Tamper): Tampered | undefined {
  const { journal, lines, checkpoints } = f;
  const lineOf = (offset: number): number => {
    let line = 0;
    for (let i = 0; i < offset; i++) if (journal[i] === 0x0a) line++;
    return line;
  };
  const withCheckpoint = (index: number, change: (note: string) => string) => checkpoints.map((c, i) => (i === index ? { ...c, note: change(c.note) } : c));
  switch (t.kind) {
    case 'edit': {
      const at = t.at % journal.length;
      if (journal[at] === t.byte) return undefined;
      const copy = journal.slice();
      copy[at] = t.byte;
      return { journal: copy, checkpoints, blame: lineOf(at) };
    }
    case 'swap': {
      if (t.i === t.j) return undefined;
      const [i, j] = t.i < t.j ? [t.i, t.j] : [t.j, t.i];
      const copy = [...lines];
      [copy[i], copy[j]] = [copy[j] as Uint8Array, copy[i] as Uint8Array];
      return { journal: joinLines(copy), checkpoints, blame: i };
    }
    case 'delete':
      return { journal: joinLines(lines.filter((_, k) => k !== t.i)), checkpoints, blame: t.i };
    case 'duplicate': {
      const copy = [...lines];
      copy.splice(t.i + 1, 0, lines[t.i] as Uint8Array);
      return { journal: joinLines(copy), checkpoints, blame: t.i + 1 };
    }
    case 'truncate':
      return { journal: journal.slice(0, t.at % journal.length), checkpoints };
    case 'append':
      return { journal: new Uint8Array(Buffer.concat([journal, Buffer.from(`${t.garbage}\n`)])), checkpoints };
    case 'replace-signature':
      return { journal, checkpoints: withCheckpoint(t.checkpoint, (note) => {
        const parsed = parseNote(note);
        if (typeof parsed === 'string') throw new Error(parsed);
        const [first, ...rest] = parsed.signatures;
        if (first === undefined) throw new Error('unsigned fixture');
        const signature = Uint8Array.from({ length: 64 }, (_, k) => (t.seed * 31 + k * 7) & 255);
        return formatNote({ text: parsed.text, signatures: [{ ...first, signature }, ...rest] });
      }) };
    case 'resign-unknown-key':
      return { journal, checkpoints: withCheckpoint(t.checkpoint, (note) => {
        const parsed = parseNote(note);
        if (typeof parsed === 'string') throw new Error(parsed);
        const secret = new Uint8Array(32).fill(0x99);
        const key = makeVerifierKey(fixtureCeremonyId, SIGNATURE_TYPE.ed25519, ed25519.getPublicKey(secret));
        const signature = { keyName: key.name, keyId: key.keyId, signature: ed25519.sign(new TextEncoder().encode(parsed.text), secret) };
        return formatNote({ text: parsed.text, signatures: [signature, ...parsed.signatures.slice(1)] });
      }) };
    case 'edit-checkpoint': {
      const note = checkpoints[t.checkpoint]?.note ?? '';
      const bytes = Buffer.from(note);
      const at = t.at % bytes.length;
      if (bytes[at] === t.byte) return undefined;
      bytes[at] = t.byte;
      return { journal, checkpoints: withCheckpoint(t.checkpoint, () => bytes.toString('latin1') === note ? note : new TextDecoder().decode(bytes)) };
    }
    case 'cut': {
      const kept = lines.slice(0, t.at);
      if (t.forgeClose) kept.push(forgedClose(lines, t.at));
      const cut = { journal: joinLines(kept), checkpoints: checkpoints.filter((c) => Number(c.name.slice(0, 12)) <= t.at), manifestCeremony: t.otherCeremony ? 'keyrite.example/ceremony/another' : fixtureCeremonyId };
      // Without a forged close, the missing close is named at the cut.
      return t.forgeClose || t.at === 0 ? cut : { ...cut, blame: t.at };
    }
  }
}

/**
 * Stand-ins for verifyBundleInParallel's worker threads, in this thread: a
 * worker that takes parts takes up to `limit` of them at once, before this
 * thread takes any (a worker takes them whenever it is ready; the verdict
 * must not depend on which thread took which), and `counter` counts them;
 * the tree is hashed at once, or (`tree: 'fails'`) its worker fails, having
 * hashed nothing.
 */
export function helpersInThread(limit: number, counter = { parts: 0 }, tree: 'hashed' | 'fails' = 'hashed'): Helpers {
  return {
    tree: (work) => ({ answer: tree === 'fails' ? Promise.reject(new Error('tree worker died')) : Promise.resolve(hashJournalTree(work.journal, nodeSha256, work.sizes, work.treeChunks)), cancel: () => undefined }),
    parts: (work) => {
      const taken = takeParts(work, limit);
      counter.parts += taken.length;
      return { answer: Promise.resolve(taken), cancel: () => undefined };
    },
  };
}
