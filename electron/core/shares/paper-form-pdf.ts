/**
 * The share's paper form as a PDF, made by the engine (pdf-lib; no window,
 * no renderer) and written to the custodian's medium beside the share file.
 * It carries exactly what the share file carries — the envelope sealed under
 * the custodian's passphrase, useless without it — as numbered word lines a
 * person can type back (shared/shares/paper-form.ts: BIP-39 words, two
 * Reed-Solomon check words per line) and, when it fits one symbol, a QR code
 * (ISO/IEC 18004, byte mode, level M). Public facts head the page so the
 * custodian and a witness can check it is theirs: ceremony, key, set,
 * share index, threshold, and the share's commitment.
 *
 * Standard fonts only (no font file to ship); they encode WinAnsi, so any
 * other character of a name prints as '?'.
 */
import { PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import { toPaperForm } from '../../../shared/shares/paper-form.ts';
import { QR_MAX_BYTES, shareQrMatrix } from './qr-code.ts';

export interface PaperFormFacts {
  custodianName: string;
  ceremonyId: string;
  keyLabel: string;
  setId: string;
  index: number;
  threshold: number;
  total: number;
  shareCommitment: string;
  createdAt: string;
}

const A4 = { width: 595.28, height: 841.89, margin: 42 };
const printable = (value: string): string => value.replace(/[^\x20-\x7e]/g, '?');

/** The numbered lines exactly as printed: "01  word word … check check". */
export function paperFormLines(envelope: Uint8Array): string[] {
  return toPaperForm(envelope).map((words, i) => `${String(i + 1).padStart(2, '0')}  ${words.join(' ')}`);
}

export async function paperFormPdf(envelope: Uint8Array, facts: PaperFormFacts): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(`Keyrite share ${facts.index} of ${facts.total} for ${printable(facts.custodianName)}`);
  pdf.setSubject(`Share set ${facts.setId}, ceremony ${printable(facts.ceremonyId)}`);
  pdf.setProducer('Keyrite');
  pdf.setCreator('Keyrite');
  // A fixed date keeps the bytes a function of the share alone (the facts carry the real time).
  pdf.setCreationDate(new Date(facts.createdAt));
  pdf.setModificationDate(new Date(facts.createdAt));
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const plain = await pdf.embedFont(StandardFonts.Helvetica);
  const mono = await pdf.embedFont(StandardFonts.Courier);

  let page = pdf.addPage([A4.width, A4.height]);
  let y = A4.height - A4.margin;
  const write = (text: string, font: PDFFont, size: number, gap = 4): void => {
    if (y - size < A4.margin) {
      page = pdf.addPage([A4.width, A4.height]);
      y = A4.height - A4.margin;
    }
    page.drawText(printable(text), { x: A4.margin, y: y - size, size, font, color: rgb(0, 0, 0) });
    y -= size + gap;
  };

  write('Keyrite - custodian share (paper form)', bold, 16, 10);
  write(`Custodian: ${facts.custodianName}`, bold, 11);
  write(`Share ${facts.index} of ${facts.total}; any ${facts.threshold} rebuild the key.`, plain, 10);
  write(`Key: ${facts.keyLabel}`, plain, 10);
  write(`Ceremony: ${facts.ceremonyId}`, plain, 9);
  write(`Share set: ${facts.setId}`, mono, 8);
  write(`Share commitment: ${facts.shareCommitment}`, mono, 8);
  write(`Written: ${facts.createdAt}`, plain, 9, 10);
  for (const line of [
    'This sheet holds your share sealed under your passphrase: without the passphrase it reveals nothing.',
    'Keep it sealed in its tamper-evident bag with the medium. To present it, type the lines back exactly;',
    'each line ends with two check words, so a mistyped word is found before anything is opened.',
  ]) write(line, plain, 8.5, 3);
  y -= 8;

  if (envelope.length <= QR_MAX_BYTES) {
    drawQr(page, envelope, A4.margin, y - 170, 170);
    y -= 180;
  }

  write('Words', bold, 11, 6);
  for (const line of paperFormLines(envelope)) write(line, mono, 7.5, 4);
  return pdf.save({ useObjectStreams: false });
}

/** The QR symbol's dark modules as filled bars (one per horizontal run), with its 4-module quiet zone inside `size`. */
function drawQr(page: PDFPage, envelope: Uint8Array, x: number, y: number, size: number): void {
  const { size: modules, modules: dark } = shareQrMatrix(envelope);
  const cell = size / (modules + 8);
  for (let row = 0; row < modules; row++) {
    let col = 0;
    while (col < modules) {
      if (dark[row * modules + col] !== 1) {
        col++;
        continue;
      }
      const start = col;
      while (col < modules && dark[row * modules + col] === 1) col++;
      page.drawRectangle({ x: x + (start + 4) * cell, y: y + size - (row + 5) * cell, width: (col - start) * cell, height: cell, color: rgb(0, 0, 0) });
    }
  }
}
