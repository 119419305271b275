/**
 * A transcript built in memory, with the same event encoding and checkpoint
 * signing as the journal but without the disk: for fixtures, property tests
 * and the verify benchmark (which needs 100,000 events without 100,000
 * fsyncs). It is never used to record a real ceremony.
 */
import { bytesToHex, utf8ToBytes } from '../../../shared/transcript/bytes.ts';
import { JOURNAL_PATH, checkpointFileName } from '../../../shared/transcript/layout.ts';
import { checkpointText } from '../../../shared/transcript/checkpoint.ts';
import { EVENT_SCHEMA_VERSION, GENESIS_PREV, canonicalLine, type TranscriptEvent } from '../../../shared/transcript/event.ts';
import { CompactRange, leafHash, type Sha256 } from '../../../shared/transcript/merkle.ts';
import { formatNote } from '../../../shared/transcript/note.ts';
import type { EventDraft } from './journal.ts';
import { nodeSha256 } from './node-sha256.ts';
import type { NoteSigner } from './signer.ts';

export class MemoryTranscript {
  readonly ceremonyId: string;
  readonly lines: Uint8Array[] = [];
  readonly checkpoints = new Map<string, string>();
  readonly #range: CompactRange;
  readonly #sha256: Sha256;
  #prev = GENESIS_PREV;
  #time: number;

  constructor(ceremonyId: string, options: { startTime?: Date; sha256?: Sha256 } = {}) {
    this.ceremonyId = ceremonyId;
    this.#sha256 = options.sha256 ?? nodeSha256;
    this.#range = new CompactRange(this.#sha256);
    this.#time = (options.startTime ?? new Date('2026-11-28T09:00:00.000Z')).getTime();
  }

  get size(): number {
    return this.lines.length;
  }

  append(draft: EventDraft): TranscriptEvent {
    const seq = this.lines.length;
    this.#time += 1000;
    const event: TranscriptEvent = {
      v: EVENT_SCHEMA_VERSION, seq, ceremony: this.ceremonyId, at: new Date(this.#time).toISOString(), mono: seq * 1_000_000,
      type: draft.type, actors: [...(draft.actors ?? [])], step: draft.step ?? null, payload: { ...(draft.payload ?? {}) }, prev: this.#prev,
    };
    const line = utf8ToBytes(canonicalLine(event));
    const leaf = leafHash(line, this.#sha256);
    this.lines.push(line);
    this.#range.append(leaf);
    this.#prev = bytesToHex(leaf);
    return event;
  }

  async checkpoint(signer: NoteSigner, cosigners: readonly NoteSigner[] = []): Promise<string> {
    const text = checkpointText({ origin: this.ceremonyId, size: this.size, root: this.#range.root() });
    const signatures = [await signer.signNote(text)];
    for (const cosigner of cosigners) signatures.push(await cosigner.signNote(text));
    const note = formatNote({ text, signatures });
    this.checkpoints.set(checkpointFileName(this.size), note);
    return note;
  }

  journalBytes(): Uint8Array {
    const out = new Uint8Array(this.lines.reduce((n, line) => n + line.length + 1, 0));
    let offset = 0;
    for (const line of this.lines) {
      out.set(line, offset);
      out[offset + line.length] = 0x0a;
      offset += line.length + 1;
    }
    return out;
  }

  /** The transcript's files as a bundle holds them (journal and checkpoints). */
  files(): Map<string, Uint8Array> {
    const files = new Map<string, Uint8Array>([[JOURNAL_PATH, this.journalBytes()]]);
    for (const [path, note] of this.checkpoints) files.set(path, utf8ToBytes(note));
    return files;
  }
}
