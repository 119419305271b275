/**
 * Exports an evidence bundle (docs/formats/transcript.md §6): a folder with
 * the journal, the checkpoints, the public keys, the report (HTML and PDF)
 * and a manifest of file hashes, plus the same files as one ustar archive
 * next to it. Like Let's Encrypt's ceremony tool, it refuses to overwrite
 * anything and re-checks what it wrote.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { KeyriteError } from '../../../shared/result.ts';
import { utf8ToBytes } from '../../../shared/transcript/bytes.ts';
import { CHECKPOINT_FOLDER, JOURNAL_PATH, KEYS_PATH, MANIFEST_PATH, buildManifest, verifyBundle, type BundleVerification } from '../../../shared/transcript/bundle.ts';
import { verifyTranscript } from '../../../shared/transcript/verify.ts';
import { makeFolderDurably, writeFileAtomically } from './durable-file.ts';
import { nodeSha256 } from './node-sha256.ts';
import { nodeCrypto } from './node-crypto.ts';
import { renderReportHtml } from './report-html.ts';
import { buildReportModel } from './report-model.ts';
import { renderReportPdf } from './report-pdf.ts';
import { readBundle } from './bundle-read.ts';
import { writeTar } from './tar.ts';

export { readBundle };

export const REPORT_HTML_PATH = 'report.html';
export const REPORT_PDF_PATH = 'report.pdf';

export interface ExportedBundle {
  readonly folder: string;
  readonly archive: string;
  /** The verification of the archive as written, read back from disk. */
  readonly verification: BundleVerification;
}

/** The transcript folder's journal and checkpoints, as bundle paths. */
export function readTranscriptFolder(folder: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>([[JOURNAL_PATH, new Uint8Array(readFileSync(join(folder, JOURNAL_PATH)))]]);
  const checkpoints = join(folder, CHECKPOINT_FOLDER);
  if (existsSync(checkpoints)) {
    for (const name of readdirSync(checkpoints).sort()) if (/^\d{12}\.note$/.test(name)) files.set(`${CHECKPOINT_FOLDER}${name}`, new Uint8Array(readFileSync(join(checkpoints, name))));
  }
  return files;
}

/**
 * Writes the bundle for the transcript in `transcriptFolder` to `outFolder`
 * and `outFolder.tar`. `keys` are the vkeys of the ceremony key and every
 * cosigner. The report states the verification result as it is, bad or good.
 */
export async function exportBundle(transcriptFolder: string, outFolder: string, keys: readonly string[], now: Date = new Date()): Promise<ExportedBundle> {
  const archive = `${outFolder}.tar`;
  if (existsSync(outFolder) || existsSync(archive)) throw new KeyriteError('TRANSCRIPT_BUNDLE_EXISTS', 'The bundle folder or archive already exists; choose a new name.');
  const files = readTranscriptFolder(transcriptFolder);
  files.set(KEYS_PATH, utf8ToBytes(keys.map((key) => `${key}\n`).join('')));
  const checkpoints = [...files].filter(([path]) => path.startsWith(CHECKPOINT_FOLDER)).map(([path, bytes]) => ({ name: path.slice(CHECKPOINT_FOLDER.length), note: new TextDecoder().decode(bytes) }));
  // The bundle's rules (an unclosed transcript is incomplete), so the report says what `keyrite verify` will say.
  const result = verifyTranscript({ journal: files.get(JOURNAL_PATH) as Uint8Array, checkpoints, trustedKeys: keys }, { ...nodeCrypto, requireClosed: true });
  const model = buildReportModel(result, keys, now);
  files.set(REPORT_HTML_PATH, utf8ToBytes(renderReportHtml(model)));
  files.set(REPORT_PDF_PATH, await renderReportPdf(model));
  const manifest = buildManifest(result.ceremonyId ?? '(unknown)', now.toISOString(), files, nodeSha256);
  files.set(MANIFEST_PATH, utf8ToBytes(`${JSON.stringify(manifest, null, 2)}\n`));

  makeFolderDurably(outFolder);
  for (const [path, bytes] of files) {
    const target = join(outFolder, ...path.split('/'));
    if (dirname(target) !== outFolder) makeFolderDurably(dirname(target));
    writeFileAtomically(target, bytes, { exclusive: true });
  }
  writeFileAtomically(archive, writeTar(files, now), { exclusive: true });

  // Re-check what was written, from disk, both forms.
  const fromArchive = verifyBundle(readBundle(archive), { trustedKeys: keys, ...nodeCrypto });
  const fromFolder = verifyBundle(readBundle(outFolder), { trustedKeys: keys, ...nodeCrypto });
  if (fromArchive.status !== result.status || fromFolder.status !== result.status || fromArchive.manifestProblems.length > 0 || fromFolder.manifestProblems.length > 0) {
    throw new KeyriteError('TRANSCRIPT_BUNDLE_MISMATCH', 'The bundle read back from disk does not match what was written.');
  }
  return { folder: outFolder, archive, verification: fromArchive };
}
