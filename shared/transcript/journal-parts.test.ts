import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex, utf8ToBytes } from './bytes.ts';
import { GENESIS_PREV, canonicalLine, type TranscriptEvent } from './event.ts';
import { claimedSizes, joinParts, partBoundary, partBounds, scanJournalPart, takeParts } from './journal-parts.ts';
import { checkpointText } from './checkpoint.ts';
import { hashJournalTree } from './journal-tree.ts';
import { formatNote } from './note-format.ts';
import { defaultSha256, leafHash } from './merkle.ts';
import { scanJournal, type DeferredLinks } from './scan.ts';

const ceremony = 'keyrite.test/parts';
const event = (seq: number, prev: string, closes: boolean): TranscriptEvent => ({
  v: 1, seq, ceremony, at: '2026-11-28T09:00:01.000Z', mono: seq, type: closes ? 'ceremony/closed' : 'step/completed', actors: ['ada'], step: null,
  payload: closes ? { outcome: 'completed' } : { n: seq, note: seq % 7 === 0 ? 'élan ✓' : 'plain' }, prev,
});

/** A linked journal of `count` lines, as its lines' texts (`ascii`: none with the note that is not ASCII, so that every line is read as a plain line). */
function lines(count: number, ascii = false): string[] {
  const out: string[] = [];
  let prev = GENESIS_PREV;
  for (let seq = 0; seq < count; seq++) {
    const text = canonicalLine(ascii && seq < count - 1 ? { ...event(seq, prev, false), payload: { n: seq, note: 'plain' } } : event(seq, prev, seq === count - 1));
    out.push(text);
    prev = bytesToHex(leafHash(utf8ToBytes(text)));
  }
  return out;
}

const journalOf = (texts: readonly string[], terminated = true) => utf8ToBytes(texts.join('\n') + (terminated && texts.length > 0 ? '\n' : ''));

/** The journal's tree, as another core hashes it. */
const treeOf = (journal: Uint8Array) => hashJournalTree(journal, defaultSha256, []);

/** The journal in two parts, cut at `share`, joined. */
function inParts(journal: Uint8Array, share: number) {
  const boundary = partBoundary(journal, share);
  return joinParts([scanJournalPart(journal, 0, boundary), scanJournalPart(journal, boundary, journal.length)], treeOf(journal));
}

// Edits that leave a line valid JSON more often than not, so the checks after parsing are reached too.
type Edit = {
  line: number;
  change:
    | { kind: 'byte'; at: number; byte: number }
    | { kind: 'delete' | 'duplicate' | 'swap-next' | 'respace' | 'other-ceremony' | 'seq+1' | 'no-newline' | 'relink-rest-as-other-ceremony' | 'value-edit' };
};
const edit: fc.Arbitrary<Edit> = fc.record({
  line: fc.nat(),
  change: fc.oneof(
    fc.record({ kind: fc.constant('byte' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constantFrom('delete' as const, 'duplicate' as const, 'swap-next' as const, 'respace' as const, 'other-ceremony' as const, 'seq+1' as const, 'no-newline' as const, 'relink-rest-as-other-ceremony' as const, 'value-edit' as const) }),
  ),
});

/** Lines from `from` on rewritten by `rewrite` and linked again (anyone can: the chain is unkeyed). */
function relinked(texts: string[], from: number, rewrite: (e: TranscriptEvent) => TranscriptEvent): string[] {
  const out = texts.slice(0, from);
  let prev = from === 0 ? GENESIS_PREV : bytesToHex(leafHash(utf8ToBytes(out[from - 1] as string)));
  for (const text of texts.slice(from)) {
    let parsed: TranscriptEvent;
    try {
      parsed = JSON.parse(text) as TranscriptEvent;
    } catch {
      parsed = event(-1, prev, false); // a line an earlier edit broke: replaced by a well-formed one
    }
    const line = canonicalLine({ ...rewrite(parsed), prev });
    out.push(line);
    prev = bytesToHex(leafHash(utf8ToBytes(line)));
  }
  return out;
}

/** The edited texts, and the line the edit is at. */
function applyEdit(texts: string[], { line, change }: Edit): { texts: string[]; terminated: boolean; at: number } {
  const out = [...texts];
  const i = line % out.length;
  const text = out[i] as string;
  switch (change.kind) {
    case 'byte': {
      const bytes = utf8ToBytes(text);
      bytes[change.at % bytes.length] = change.byte === 0x0a ? 0x20 : change.byte;
      out[i] = new TextDecoder().decode(bytes);
      break;
    }
    case 'delete': out.splice(i, 1); break;
    case 'duplicate': out.splice(i, 0, text); break;
    case 'swap-next': if (i + 1 < out.length) [out[i], out[i + 1]] = [out[i + 1] as string, text]; break;
    case 'respace': out[i] = text.replace(',', ', '); break;
    case 'other-ceremony': out[i] = text.replace(ceremony, 'keyrite.test/other'); break;
    case 'seq+1': out[i] = text.replace(/"seq":(\d+)/, (_, n: string) => `"seq":${Number(n) + 1}`); break;
    // Still a valid line: only the next line's link shows it.
    case 'value-edit': out[i] = text.replace('"actors":["ada"]', '"actors":["bob"]'); break;
    // Every line from i on, consistent among themselves, names another ceremony: only the change of ceremony shows it.
    case 'relink-rest-as-other-ceremony': return { texts: relinked(out, i, (e) => ({ ...e, ceremony: 'keyrite.test/other' })), terminated: true, at: i };
    case 'no-newline': return { texts: out.slice(0, i + 1), terminated: false, at: i };
  }
  return { texts: out, terminated: true, at: i };
}

/** Where the second part starts: a random line, or the edited line, or the one after it (where a part's own checks see least). */
/** The reasons scanJournal gives for a broken link, which a part does not look for. */
const linkReason = /prev does not match|its hash is not the one|prev is not/u;

const cut = fc.oneof(fc.record({ line: fc.nat() }), fc.record({ afterEdit: fc.integer({ min: 0, max: 1 }) }));

describe('a journal checked in two parts', () => {
  const intact = lines(40);
  // Every line ASCII: each part reads its lines as plain lines and decodes their prevs (plain-line.ts, PrevOut).
  const asciiIntact = lines(40, true);
  const journal = journalOf(intact);
  const whole = scanJournal(journal);

  it('joins, wherever it is cut, into the whole journal\'s scan without its events', () => {
    for (let share = 0; share <= 1.0001; share += 1 / 128) {
      const joined = inParts(journal, share);
      expect(joined, String(share)).toBeDefined();
      expect(joined?.leafHashes).toEqual(whole.leafHashes);
      expect(joined?.leaves).toEqual(whole.leaves);
      expect(joined?.lastEvent).toEqual(whole.lastEvent);
      expect(joined?.lastEvent?.type).toBe('ceremony/closed');
      expect({ ...joined, leaves: undefined, leafHashes: undefined, lastEvent: undefined }).toEqual({ ...whole, events: [], leaves: undefined, leafHashes: undefined, lastEvent: undefined });
    }
  });

  it('never joins when the whole journal has a bad line, wherever it is cut; a part counts lines as the whole journal does', () => {
    let cutAtEdit = 0;
    fc.assert(fc.property(edit, fc.option(edit, { freq: 3 }), cut, fc.boolean(), (first, second, where, ascii) => {
      let edited = applyEdit(ascii ? asciiIntact : intact, first);
      if (second !== null && edited.terminated) edited = applyEdit(edited.texts, second);
      const bytes = journalOf(edited.texts, edited.terminated);
      const lineStarts = [0];
      for (let k = 0; k < bytes.length; k++) if (bytes[k] === 0x0a && k + 1 < bytes.length) lineStarts.push(k + 1);
      const cutLine = 'line' in where ? where.line % (lineStarts.length + 1) : edited.at + where.afterEdit;
      if (!('line' in where)) cutAtEdit++;
      const boundary = cutLine >= lineStarts.length ? bytes.length : (lineStarts[cutLine] as number);
      const reference = scanJournal(bytes);
      const parts = [scanJournalPart(bytes, 0, boundary), scanJournalPart(bytes, boundary, bytes.length)];
      const joined = joinParts(parts, treeOf(bytes));
      if (reference.firstBadEvent === undefined) {
        expect(joined?.leafHashes).toEqual(reference.leafHashes);
        expect(joined?.lastEvent).toEqual(reference.lastEvent);
      } else {
        expect(joined, JSON.stringify(reference.firstBadEvent)).toBeUndefined();
      }
      // Lines are numbered as in the whole journal: a problem the first part finds is the whole journal's first; or, where
      // the whole journal first fails on a link (which a part leaves to the join), a later line.
      const found = parts[0]?.firstBadEvent;
      const wholeFirst = reference.firstBadEvent;
      if (found !== undefined && wholeFirst !== undefined) {
        if (linkReason.test(wholeFirst.reason)) expect(found.index).toBeGreaterThanOrEqual(wholeFirst.index);
        else expect(found).toEqual(wholeFirst);
      }
    }), { numRuns: 4000 });
    expect(cutAtEdit).toBeGreaterThan(1000);
  });

  it('counts sequence numbers and links from the part\'s first line', () => {
    const boundary = partBoundary(journal, 0.5);
    const second = scanJournalPart(journal, boundary, journal.length);
    expect(second.firstLine).toBe(journal.subarray(0, boundary).filter((b) => b === 0x0a).length);
    expect(second.firstLine).toBeGreaterThan(10);
    expect(second.firstBadEvent).toBeUndefined();
    // Parts out of order, or with a gap, are not a journal.
    const first = scanJournalPart(journal, 0, boundary);
    const tree = treeOf(journal);
    expect(joinParts([first, second], tree)).toBeDefined();
    expect(joinParts([second, first], tree)).toBeUndefined();
    expect(joinParts([second], tree)).toBeUndefined();
    // The tree of other lines, or of fewer, never joins: every link is checked against its leaf hashes.
    const other = intact.map((text, i) => (i === 20 ? text.replace('"ada"', '"adb"') : text));
    expect(other).not.toEqual(intact);
    expect(joinParts([first, second], treeOf(journalOf(other)))).toBeUndefined();
    expect(joinParts([first, second], treeOf(journalOf(intact.slice(0, 39))))).toBeUndefined();
    // The same bytes given as a journal of their own fail at their first line.
    expect(scanJournal(journal.subarray(boundary)).firstBadEvent?.index).toBe(0);
  });

  it('checks every digit of every link: a prev one digit off anywhere, in the last line (whose own hash no later link vouches for), does not join', () => {
    // ASCII lines, whose prevs are decoded as they are read (plain-line.ts); the upper-case digit is not decoded, and compared as text.
    const texts = lines(40, true);
    const last = texts[39] as string;
    const prevAt = last.indexOf('"prev":"') + 8;
    expect(inParts(journalOf(texts), 0.5)).toBeDefined();
    fc.assert(fc.property(fc.nat({ max: 63 }), fc.constantFrom(...'0123456789abcdefA'), (k, digit) => {
      fc.pre(last[prevAt + k] !== digit);
      const edited = [...texts.slice(0, 39), last.slice(0, prevAt + k) + digit + last.slice(prevAt + k + 1)];
      expect(inParts(journalOf(edited), 0.5)).toBeUndefined();
    }), { numRuns: 200 });
  });

  it('does not take the digits of a prev that are not hex for zeros: a prev whose last pair is not hex, where the hash it must be ends in 0x00, does not join', () => {
    // Line 38's note is ground until its leaf hash ends in a zero byte, which a pair not decoded must not stand for.
    const texts: string[] = [];
    let prev = GENESIS_PREV;
    for (let seq = 0; seq < 39; seq++) {
      let text = '';
      for (let n = 0; text === '' || (seq === 38 && leafHash(utf8ToBytes(text))[31] !== 0); n++) text = canonicalLine({ ...event(seq, prev, false), payload: { n, note: 'plain' } });
      texts.push(text);
      prev = bytesToHex(leafHash(utf8ToBytes(text)));
    }
    expect(prev.slice(62)).toBe('00');
    const closing = (p: string) => canonicalLine(event(39, p, true));
    expect(inParts(journalOf([...texts, closing(prev)]), 0.5)).toBeDefined();
    for (const pair of ['0g', 'g0', '0G', 'zz']) expect(inParts(journalOf([...texts, closing(prev.slice(0, 62) + pair)]), 0.5), pair).toBeUndefined();
  });

  it('reads a journal in segments of any size as in one: the same scan, whole or as a part, intact or edited', () => {
    const sameScan = (bytes: Uint8Array, options: { part?: { firstLine: number } }, segmentBytes: number) => {
      const one = scanJournal(bytes, defaultSha256, { ...options, segmentBytes: Infinity });
      const segmented = scanJournal(bytes, defaultSha256, { ...options, segmentBytes });
      const { leaves: _a, links: linksOne, ...restOne } = one;
      const { leaves: _b, links: linksSegmented, ...restSegmented } = segmented;
      expect(restSegmented).toEqual(restOne);
      // Each valid line's prev as a link records it, decoded or as text (which lines are read as plain lines
      // depends on the segments: a segment of ASCII lines is, in a journal that is not all ASCII).
      const recorded = (links: DeferredLinks | undefined, i: number) => links?.prevText.get(i) ?? bytesToHex(links?.prevHashes.subarray(32 * i, 32 * i + 32) ?? new Uint8Array(0));
      for (let i = 1; i < (one.firstBadEvent === undefined ? one.lineCount : 0); i++) expect(recorded(linksSegmented, i), String(i)).toBe(recorded(linksOne, i));
    };
    const segmentBytes = fc.oneof(fc.integer({ min: 1, max: 1200 }), fc.constant(1));
    fc.assert(fc.property(edit, fc.boolean(), fc.boolean(), segmentBytes, (change, ascii, asPart, size) => {
      const edited = applyEdit(ascii ? asciiIntact : intact, change);
      const bytes = journalOf(edited.texts, edited.terminated);
      sameScan(bytes, asPart ? { part: { firstLine: 0 } } : {}, size);
    }), { numRuns: 1500 });
  });

  it('takes the tree sizes wanted from the notes that parse (signed or not: the verifier checks signatures), each once, in order', () => {
    const note = (size: number) => formatNote({ text: checkpointText({ origin: ceremony, size, root: new Uint8Array(32) }), signatures: [{ keyName: 'anyone', keyId: new Uint8Array(4), signature: new Uint8Array(64) }] });
    const notes = [40, 7, 20, 7].map((size) => ({ name: String(size), note: note(size) }));
    expect(claimedSizes([...notes, { name: 'not a note', note: 'x\n99\nAAAA\n' }])).toEqual([7, 20, 40]);
    expect(claimedSizes([{ name: 'not a note', note: 'x\n99\nAAAA\n' }])).toEqual([]);
  });

  it('cuts a journal into parts at line boundaries, never an empty part', () => {
    for (const count of [1, 2, 3, 8, 40, 41, 1000]) {
      const bounds = partBounds(journal, count);
      expect(bounds[0]).toBe(0);
      expect(bounds[bounds.length - 1]).toBe(journal.length);
      // Cut by bytes: parts as many as asked while lines are short beside a part; never more than the lines.
      if (count <= 8) expect(bounds.length - 1).toBe(count);
      else expect(bounds.length - 1).toBeLessThanOrEqual(Math.min(count, 40));
      for (let k = 1; k < bounds.length; k++) {
        expect(bounds[k] as number).toBeGreaterThan(bounds[k - 1] as number);
        expect(journal[(bounds[k] as number) - 1]).toBe(0x0a);
      }
    }
  });

  it('shares the parts among takers: each part is taken once; a part with a problem stops the taking for all', () => {
    const bounds = partBounds(journal, 10);
    const work = { journal, bounds, sizes: [], taken: new Int32Array(new SharedArrayBuffer(4)) };
    const first = takeParts(work, 3);
    const rest = takeParts(work);
    expect(first.map(({ index }) => index)).toEqual([0, 1, 2]);
    expect(rest.map(({ index }) => index)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(takeParts(work)).toEqual([]);
    expect(joinParts([...first, ...rest].map(({ part }) => part), treeOf(journal))?.leafHashes).toEqual(whole.leafHashes);
    // Line 15 is no longer JSON: the part holding it is the last one taken.
    const edited = journalOf(intact.map((text, i) => (i === 15 ? `x${text}` : text)));
    const editedBounds = partBounds(edited, 10);
    const lineStart = journalOf(intact.slice(0, 15)).length;
    const holding = editedBounds.findIndex((b) => b > lineStart) - 1;
    expect(holding).toBeGreaterThan(0);
    expect(holding).toBeLessThan(9);
    const stopped = takeParts({ journal: edited, bounds: editedBounds, sizes: [], taken: new Int32Array(new SharedArrayBuffer(4)) });
    expect(stopped.map(({ index }) => index)).toEqual(Array.from({ length: holding + 1 }, (_, k) => k));
    expect(stopped[holding]?.part.firstBadEvent).toBeDefined();
  });

  it('numbers a part\'s lines from its first line\'s sequence number; a wrong one (a tampered line) is never joined', () => {
    const boundary = partBoundary(journal, 0.5);
    const firstLine = journal.subarray(0, boundary).filter((b) => b === 0x0a).length;
    // The part's first line claims a sequence number 3 too high, and every line after it is renumbered to agree (and relinked).
    const renumbered = relinked(intact, firstLine, (e) => ({ ...e, seq: e.seq + 3 }));
    const bytes = journalOf(renumbered);
    const cut = partBoundary(bytes, 0.5);
    const second = scanJournalPart(bytes, cut, bytes.length);
    expect(second.firstLine).toBe(firstLine + 3);
    expect(second.firstBadEvent).toBeUndefined();
    expect(joinParts([scanJournalPart(bytes, 0, cut), second], treeOf(bytes))).toBeUndefined();
    // A first line that is not JSON: the lines before it are counted.
    const broken = journalOf(intact.map((text, i) => (i === firstLine ? `x${text}` : text)));
    expect(scanJournalPart(broken, partBoundary(broken, 0.5), broken.length).firstLine).toBe(firstLine);
  });
});
