/**
 * The report as PDF (pdf-lib), for printing and signing on paper. Plain
 * monospaced lines on A4 so that hex and words line up and nothing needs a
 * font file; the standard fonts only encode WinAnsi, so other characters
 * print as '?'.
 */
import { PDFDocument, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import type { ReportModel } from './report-model.ts';

const PAGE = { width: 595.28, height: 841.89, margin: 40 };
const SIZE = 8.5;
const LEADING = 11;
const COLUMNS = Math.floor((PAGE.width - 2 * PAGE.margin) / (SIZE * 0.6));

const printable = (value: string): string => value.replace(/[^\x20-\x7e]/g, '?');

function wrap(line: string, indent = ''): string[] {
  const out: string[] = [];
  let rest = printable(line);
  while (rest.length > COLUMNS) {
    let cut = rest.lastIndexOf(' ', COLUMNS);
    if (cut < COLUMNS / 2) cut = COLUMNS;
    out.push(rest.slice(0, cut));
    rest = indent + rest.slice(cut).trimStart();
  }
  out.push(rest);
  return out;
}

function reportLines(model: ReportModel): { text: string; heading?: true }[] {
  const lines: { text: string; heading?: true }[] = [];
  const heading = (text: string) => lines.push({ text: '' }, { text, heading: true });
  const add = (text: string, indent = '') => wrap(text, indent).forEach((l) => lines.push({ text: l }));
  const v = model.verification;
  lines.push({ text: model.title, heading: true });
  add(`Ceremony ${model.ceremonyId}; report generated ${model.generatedAt}`);
  heading(`Verification: ${v.status.toUpperCase()}`);
  add(v.summary);
  add(`${v.eventCount} events; ${v.signedSize} covered by signed checkpoints.`);
  if (v.firstBad !== undefined) add(`First problem: ${v.firstBad}`);
  add(`Final root (SHA-256, RFC 6962): ${model.rootHex ?? 'none'}`, '  ');
  add(`As words: ${model.rootWords.join(' ')}`, '  ');
  heading('Public keys');
  model.keys.forEach((k) => add(k, '  '));
  heading('Checkpoints');
  model.checkpoints.forEach((c) => add(`size ${c.size}  root ${c.rootHex}  signed by ${c.signedBy}${c.cosigners.length > 0 ? `  cosigned by ${c.cosigners.join('; ')}` : ''}`, '    '));
  heading('Participants');
  model.participants.forEach((p) => add(`${p.id}  ${p.name}  (${p.role})`));
  heading('Keys created');
  model.keysCreated.forEach((k) => add(`${k.label}  ${k.algorithm}  fingerprint ${k.fingerprint}${k.checkValue === '' ? '' : `  KCV ${k.checkValue}`}${k.token === '' ? '' : `  on ${k.token}`}`, '    '));
  heading('Share sets issued');
  model.shareSets.forEach((s) => add(`${s.id} for ${s.keyLabel}: ${s.policy}; commitment ${s.commitment}; custodians ${s.custodians}`, '    '));
  heading('Sign-offs');
  model.signOffs.forEach((s) => add(`#${s.seq} ${s.at} ${s.witness} [${s.step}]: ${s.statement}`, '    '));
  heading('Exceptions');
  model.exceptions.forEach((e) => add(`#${e.seq} ${e.at} ${e.description} Decision: ${e.decision}`, '    '));
  heading('Timeline');
  model.timeline.forEach((t) => add(`#${t.seq} ${t.at} ${t.type} by ${t.actors || 'system'}${t.step === '' ? '' : ` [${t.step}]`} ${t.summary}`, '      '));
  if (model.timelineOmitted > 0) add(`${model.timelineOmitted} further events are in transcript.jsonl.`);
  return lines;
}

export async function renderReportPdf(model: ReportModel): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const date = new Date(model.generatedAt);
  pdf.setTitle(printable(`${model.title} - ceremony report`));
  pdf.setSubject(printable(model.ceremonyId));
  pdf.setProducer('Keyrite');
  pdf.setCreator('Keyrite');
  pdf.setCreationDate(date);
  pdf.setModificationDate(date);
  const body = await pdf.embedFont(StandardFonts.Courier);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  let page: PDFPage | undefined;
  let y = 0;
  let pageNumber = 0;
  const newPage = () => {
    page = pdf.addPage([PAGE.width, PAGE.height]);
    pageNumber++;
    y = PAGE.height - PAGE.margin;
    page.drawText(printable(`${model.ceremonyId} - page ${pageNumber}`), { x: PAGE.margin, y: PAGE.margin / 2, size: 7, font: body });
  };
  for (const line of reportLines(model)) {
    if (page === undefined || y < PAGE.margin + LEADING) newPage();
    const font: PDFFont = line.heading === true ? bold : body;
    (page as PDFPage).drawText(line.text, { x: PAGE.margin, y, size: line.heading === true ? 11 : SIZE, font });
    y -= line.heading === true ? LEADING * 1.4 : LEADING;
  }
  return pdf.save({ useObjectStreams: false });
}
