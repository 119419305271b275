/** The paper form PDF: made from the sealed envelope alone, readable by a PDF library, and its words give the envelope back. */
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { fromPaperForm } from '../../../shared/shares/paper-form.ts';
import { paperFormLines, paperFormPdf } from './paper-form-pdf.ts';

const facts = { custodianName: 'Carl Custodian', ceremonyId: 'master-key/rehearsal-20261129T020000Z', keyLabel: 'Master key', setId: 'ab'.repeat(16), index: 2, threshold: 2, total: 3, shareCommitment: 'cd'.repeat(32), createdAt: '2026-11-29T02:00:00.000Z' };

describe('share paper form PDF', () => {
  it('is a PDF naming the custodian and share, whose printed lines decode to the envelope', async () => {
    const envelope = Uint8Array.from({ length: 300 }, (_, i) => (i * 37 + 11) & 0xff);
    const bytes = await paperFormPdf(envelope, facts);
    expect(new TextDecoder().decode(bytes.subarray(0, 5))).toBe('%PDF-');
    const doc = await PDFDocument.load(bytes);
    expect(doc.getTitle()).toBe('Keyrite share 2 of 3 for Carl Custodian');
    expect(doc.getSubject()).toContain(facts.setId);
    const lines = paperFormLines(envelope);
    const words = lines.map((l) => l.split(' ').filter((w) => w !== '').slice(1));
    expect(fromPaperForm(words.flat().join(' '), 'paper form')).toEqual(envelope);
    // Deterministic: the same share gives the same bytes (what is written is what is read back and compared).
    expect(await paperFormPdf(envelope, facts)).toEqual(bytes);
  });

  it('spills onto more pages for a large envelope and prints a name it cannot encode as ?', async () => {
    const envelope = Uint8Array.from({ length: 3000 }, (_, i) => i & 0xff);
    const doc = await PDFDocument.load(await paperFormPdf(envelope, { ...facts, custodianName: 'Zoë Ωmega' }));
    expect(doc.getPageCount()).toBeGreaterThan(1);
    expect(doc.getTitle()).toBe('Keyrite share 2 of 3 for Zo? ?mega');
  });
});
