/**
 * The ceremony journal on disk (docs/formats/transcript.md §2-§4): one
 * canonical JSON event per line, appended and fsynced before `append`
 * returns, so an acknowledged event survives a crash. On opening, a torn
 * last line (bytes after the last newline: a write that never finished, so
 * never acknowledged) is cut off and a `transcript/recovered` event says so;
 * damage anywhere else is reported and never repaired.
 *
 * Synchronous on purpose: one fsync per event is the contract, and a
 * synchronous append cannot interleave with another.
 */
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { KeyriteError } from '../../../shared/result.ts';
import { bytesToHex, utf8ToBytes } from '../../../shared/transcript/bytes.ts';
import { CHECKPOINT_FOLDER, JOURNAL_PATH, checkpointFileName } from '../../../shared/transcript/layout.ts';
import { checkpointText, parseCheckpointText } from '../../../shared/transcript/checkpoint.ts';
import { EVENT_SCHEMA_VERSION, GENESIS_PREV, canonicalLine, ceremonyIdPattern, checkEventShape, type JsonValue, type TranscriptEvent } from '../../../shared/transcript/event.ts';
import { CompactRange, consistencyProof, inclusionProof, leafHash, type Sha256 } from '../../../shared/transcript/merkle.ts';
import { formatNote, parseNote, type SignedNote } from '../../../shared/transcript/note-format.ts';
import { bytesEqual } from '../../../shared/transcript/bytes.ts';
import { checkPayload } from '../../../shared/transcript/payloads.ts';
import { scanJournal } from '../../../shared/transcript/scan.ts';
import { fsyncFolder, makeFolderDurably, writeAll, writeFileAtomically } from './durable-file.ts';
import { nodeSha256 } from './node-sha256.ts';
import type { NoteSigner } from './signer.ts';

/** What a caller records; the journal adds seq, ceremony, times, prev and version. */
export interface EventDraft {
  readonly type: string;
  readonly actors?: readonly string[];
  readonly step?: string | null;
  readonly payload?: { readonly [key: string]: JsonValue };
}

export interface JournalClock {
  /** UTC wall time. */
  now(): Date;
  /** Monotonic microseconds since some fixed point in this process. */
  monoMicros(): number;
}

const processStart = process.hrtime.bigint();
export const systemClock: JournalClock = {
  now: () => new Date(),
  monoMicros: () => Number((process.hrtime.bigint() - processStart) / 1000n),
};

export interface OpenedJournal {
  readonly journal: Journal;
  /** Every event already on disk, in order, for the engine to replay (the recovery event included). */
  readonly events: readonly TranscriptEvent[];
  /** Present when a torn last line was cut off (and a recovery event written). */
  readonly recovery?: { readonly discardedBytes: number; readonly lastSeq: number };
}

export class Journal {
  readonly #observers = new Set<(event: TranscriptEvent) => void>();
  readonly folder: string;
  readonly ceremonyId: string;
  readonly #fd: number;
  readonly #clock: JournalClock;
  readonly #sha256: Sha256;
  readonly #leaves: Uint8Array[];
  readonly #range: CompactRange;
  #prev: string;
  #closed = false;
  /**
   * Checkpoint files are read, signed (which awaits: an HSM, a participant)
   * and rewritten; each such change runs after the one before it, so two
   * cosignatures can never both read the same note and one be lost.
   */
  #noteChanges: Promise<unknown> = Promise.resolve();

  private constructor(folder: string, ceremonyId: string, fd: number, leaves: Uint8Array[], clock: JournalClock, sha256: Sha256) {
    this.folder = folder;
    this.ceremonyId = ceremonyId;
    this.#fd = fd;
    this.#clock = clock;
    this.#sha256 = sha256;
    this.#leaves = leaves;
    this.#range = new CompactRange(sha256);
    for (const leaf of leaves) this.#range.append(leaf);
    const last = leaves[leaves.length - 1];
    this.#prev = last === undefined ? GENESIS_PREV : bytesToHex(last);
  }

  /**
   * Opens (or creates) the journal in `folder` for `ceremonyId`. Throws
   * TRANSCRIPT_DAMAGED, naming the first bad event, if any whole line is not
   * a valid, correctly linked event of this ceremony.
   */
  static open(folder: string, ceremonyId: string, options: { clock?: JournalClock; sha256?: Sha256 } = {}): OpenedJournal {
    if (!ceremonyIdPattern.test(ceremonyId)) throw new KeyriteError('TRANSCRIPT_BAD_CEREMONY_ID', 'A ceremony id must be printable ASCII without spaces or "+".');
    const clock = options.clock ?? systemClock;
    const sha256 = options.sha256 ?? nodeSha256;
    const path = join(folder, JOURNAL_PATH);
    if (!existsSync(path)) {
      refuseLostJournal(folder);
      makeFolderDurably(join(folder, CHECKPOINT_FOLDER));
      const fd = openSync(path, 'ax', 0o644);
      fsyncSync(fd);
      fsyncFolder(folder);
      return { journal: new Journal(folder, ceremonyId, fd, [], clock, sha256), events: [] };
    }
    const bytes = readFileSync(path);
    const scanned = scanJournal(bytes, sha256);
    const wholeLines = scanned.lineCount - (scanned.unterminatedBytes > 0 ? 1 : 0);
    if (scanned.firstBadEvent !== undefined && scanned.firstBadEvent.index < wholeLines) {
      throw new KeyriteError('TRANSCRIPT_DAMAGED', `The transcript is damaged at event ${scanned.firstBadEvent.index}: ${scanned.firstBadEvent.reason}. It has not been changed.`);
    }
    if (scanned.ceremonyId !== undefined && scanned.ceremonyId !== ceremonyId) {
      throw new KeyriteError('TRANSCRIPT_WRONG_CEREMONY', `This transcript belongs to ceremony ${scanned.ceremonyId}.`);
    }
    checkCheckpointsOnDisk(folder, ceremonyId, scanned.leaves, sha256);
    const fd = openSync(path, 'a'); // O_APPEND: every write lands at the end, even after a truncation
    const journal = new Journal(folder, ceremonyId, fd, scanned.leaves, clock, sha256);
    if (scanned.unterminatedBytes === 0) return { journal, events: scanned.events };
    // A torn tail: never acknowledged (the newline is written with the event and fsynced before acknowledging).
    ftruncateSync(fd, bytes.length - scanned.unterminatedBytes);
    fsyncSync(fd);
    const recovery = { discardedBytes: scanned.unterminatedBytes, lastSeq: scanned.events.length - 1 };
    const recorded = journal.append({ type: 'transcript/recovered', payload: recovery });
    return { journal, events: [...scanned.events, recorded], recovery };
  }

  get size(): number {
    return this.#leaves.length;
  }

  /** RFC 6962 root of every event so far. */
  root(): Uint8Array {
    return this.#range.root();
  }

  get leafHashes(): readonly Uint8Array[] {
    return this.#leaves;
  }

  /** RFC 6962 §2.1.1 audit path proving event `seq` is in the tree of `size` events (default: all). */
  inclusionProof(seq: number, size: number = this.size): Uint8Array[] {
    return inclusionProof(this.#leaves, seq, size, this.#sha256);
  }

  /** RFC 6962 §2.1.2 proof that the tree of `from` events is a prefix of the tree of `to` events. */
  consistencyProof(from: number, to: number = this.size): Uint8Array[] {
    return consistencyProof(this.#leaves, from, to, this.#sha256);
  }

  /** Appends one event; returns once it is on disk (fsynced). */
  append(draft: EventDraft): TranscriptEvent {
    if (this.#closed) throw new KeyriteError('TRANSCRIPT_CLOSED', 'The transcript is closed.');
    const event: TranscriptEvent = {
      v: EVENT_SCHEMA_VERSION,
      seq: this.#leaves.length,
      ceremony: this.ceremonyId,
      at: this.#clock.now().toISOString(),
      mono: this.#clock.monoMicros(),
      type: draft.type,
      actors: [...(draft.actors ?? [])],
      step: draft.step ?? null,
      payload: structuredClone({ ...(draft.payload ?? {}) }),
      prev: this.#prev,
    };
    // The verifier's own checks: the journal never writes what it would reject.
    const problem = checkEventShape(event) ?? checkPayload(event.type, event.payload);
    if (problem !== undefined) throw new KeyriteError('TRANSCRIPT_BAD_EVENT', `Event refused: ${problem}.`);
    const line = utf8ToBytes(canonicalLine(event));
    const record = new Uint8Array(line.length + 1);
    record.set(line);
    record[line.length] = 0x0a;
    const end = fstatSync(this.#fd).size;
    try {
      writeAll(this.#fd, record);
      fsyncSync(this.#fd);
    } catch (cause) {
      // Leave no partial line behind for the next event to follow.
      try { ftruncateSync(this.#fd, end); } catch { /* reported below; opening cuts a torn tail */ }
      throw new KeyriteError('TRANSCRIPT_WRITE_FAILED', 'The event could not be written to disk.', { cause });
    }
    const leaf = leafHash(line, this.#sha256);
    this.#leaves.push(leaf);
    this.#range.append(leaf);
    this.#prev = bytesToHex(leaf);
    // The event is on disk: an observer's failure must not look like a failed append.
    for (const observer of this.#observers) {
      try {
        observer(event);
      } catch {
        // the observer's own problem; the transcript is unaffected
      }
    }
    return event;
  }

  /** Calls `observer` with every event once it is on disk (the live timeline); returns the function that stops it. */
  observe(observer: (event: TranscriptEvent) => void): () => void {
    this.#observers.add(observer);
    return () => this.#observers.delete(observer);
  }

  /**
   * Signs a checkpoint of every event so far and writes it to checkpoints/.
   * Returns the note. If a note for this size is already on disk it is kept
   * with every signature on it (cosignatures are never dropped): the
   * ceremony key only adds its line when the note has none from this key.
   */
  async checkpoint(signer: NoteSigner): Promise<string> {
    if (signer.verifierKey.name !== this.ceremonyId) throw new KeyriteError('TRANSCRIPT_WRONG_SIGNER', 'The ceremony key must be named after the ceremony.');
    // The tree as it is now, not when the queue reaches this change.
    const size = this.size;
    const text = checkpointText({ origin: this.ceremonyId, size, root: this.root() });
    return await this.#changeNote(async () => {
      const path = join(this.folder, checkpointFileName(size));
      const existing = this.#readNote(path, size);
      if (existing === undefined) {
        const note = formatNote({ text, signatures: [await signer.signNote(text)] });
        writeFileAtomically(path, utf8ToBytes(note));
        return note;
      }
      if (existing.parsed.text !== text) throw new KeyriteError('TRANSCRIPT_DAMAGED', `Checkpoint ${size} on disk does not match the journal. It has not been changed.`);
      const { name, keyId } = signer.verifierKey;
      if (existing.parsed.signatures.some((signature) => signature.keyName === name && bytesEqual(signature.keyId, keyId))) return existing.note;
      const note = formatNote({ text, signatures: [await signer.signNote(text), ...existing.parsed.signatures] });
      writeFileAtomically(path, utf8ToBytes(note));
      return note;
    });
  }

  /**
   * Adds `cosigner`'s signature to the checkpoint of `size` (the latest by
   * default, once every checkpoint asked for before is written), replacing
   * an earlier one by the same key and keeping every other.
   */
  cosign(cosigner: NoteSigner, size?: number): Promise<string> {
    return this.#changeNote(async () => {
      const at = size ?? this.latestCheckpointSize();
      const path = join(this.folder, checkpointFileName(at));
      const existing = this.#readNote(path, at);
      if (existing === undefined) throw new KeyriteError('TRANSCRIPT_NO_CHECKPOINT', `There is no checkpoint of ${at} events to cosign.`);
      const { parsed } = existing;
      const { name, keyId } = cosigner.verifierKey;
      const others = parsed.signatures.filter((signature) => !(signature.keyName === name && bytesEqual(signature.keyId, keyId)));
      const note = formatNote({ text: parsed.text, signatures: [...others, await cosigner.signNote(parsed.text)] });
      writeFileAtomically(path, utf8ToBytes(note));
      return note;
    });
  }

  /** Runs `change` after every note change asked for before it (whether that one failed or not). */
  #changeNote<T>(change: () => Promise<T>): Promise<T> {
    const run = this.#noteChanges.then(change);
    this.#noteChanges = run.catch(() => undefined);
    return run;
  }

  /** The checkpoint note of `size` on disk, parsed, or undefined when there is none. */
  #readNote(path: string, size: number): { note: string; parsed: SignedNote } | undefined {
    if (!existsSync(path)) return undefined;
    const note = readFileSync(path, 'utf8');
    const parsed = parseNote(note);
    if (typeof parsed === 'string') throw new KeyriteError('TRANSCRIPT_DAMAGED', `Checkpoint ${size} is damaged: ${parsed}. It has not been changed.`);
    const checkpoint = parseCheckpointText(parsed.text);
    if (typeof checkpoint === 'string' || checkpoint.origin !== this.ceremonyId || checkpoint.size !== size) throw new KeyriteError('TRANSCRIPT_DAMAGED', `Checkpoint ${size} is damaged. It has not been changed.`);
    return { note, parsed };
  }

  latestCheckpointSize(): number {
    const names = readdirSync(join(this.folder, CHECKPOINT_FOLDER)).filter((name) => /^\d{12}\.note$/.test(name)).sort();
    const last = names[names.length - 1];
    if (last === undefined) throw new KeyriteError('TRANSCRIPT_NO_CHECKPOINT', 'There is no checkpoint to cosign yet.');
    return Number(last.slice(0, 12));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeSync(this.#fd);
  }
}

/**
 * The journal file is missing. If checkpoints/ holds a signed note (any
 * checkpoint file with content), events were acknowledged and signed and
 * the journal holding them is gone: starting an empty journal would lose
 * them without a word, and the next checkpoints would reuse the same names.
 */
function refuseLostJournal(folder: string): void {
  const checkpoints = join(folder, CHECKPOINT_FOLDER);
  if (!existsSync(checkpoints)) return;
  const signed = readdirSync(checkpoints).filter((name) => /^\d{12}\.note$/.test(name) && statSync(join(checkpoints, name)).size > 0).sort();
  const last = signed[signed.length - 1];
  if (last === undefined) return;
  throw new KeyriteError('TRANSCRIPT_DAMAGED', `The journal ${JOURNAL_PATH} is missing, but ${CHECKPOINT_FOLDER} holds ${signed.length} signed checkpoint${signed.length === 1 ? '' : 's'} (the last covers ${Number(last.slice(0, 12))} events): acknowledged events have been lost. Nothing has been changed.`);
}

/**
 * Every checkpoint already written must still match the journal: a
 * checkpoint covering more events than the journal holds, or a different
 * root, means acknowledged events were lost or changed. Signatures are the
 * verifier's business; this only needs the roots.
 */
function checkCheckpointsOnDisk(folder: string, ceremonyId: string, leaves: readonly Uint8Array[], sha256: Sha256): void {
  const names = readdirSync(join(folder, CHECKPOINT_FOLDER)).filter((name) => /^\d{12}\.note$/.test(name)).sort();
  const range = new CompactRange(sha256);
  for (const name of names) {
    const parsed = parseNote(readFileSync(join(folder, CHECKPOINT_FOLDER, name), 'utf8'));
    const checkpoint = typeof parsed === 'string' ? parsed : parseCheckpointText(parsed.text);
    const damaged = (reason: string) => new KeyriteError('TRANSCRIPT_DAMAGED', `Checkpoint ${name} ${reason}. Nothing has been changed.`);
    if (typeof checkpoint === 'string') throw damaged(`is unreadable: ${checkpoint}`);
    if (checkpoint.origin !== ceremonyId) throw damaged('belongs to another ceremony');
    if (checkpoint.size > leaves.length) throw damaged(`covers ${checkpoint.size} events but the journal holds ${leaves.length}`);
    while (range.size < checkpoint.size) range.append(leaves[range.size] as Uint8Array);
    if (!bytesEqual(range.root(), checkpoint.root)) throw damaged('does not match the journal');
  }
}
