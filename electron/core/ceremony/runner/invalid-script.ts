/**
 * A script that does not validate is refused before any ceremony starts,
 * and the refusal is still recorded: a transcript of its own (opened with
 * the SHA-256 of the file's bytes, the problems with their locations, an
 * aborted close), signed and exported like any other, so the evidence
 * shows what was attempted and why it never began.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ScriptInvalidError } from '../../../../shared/ceremony/index.ts';
import { exportBundle, type ExportedBundle } from '../../transcript/bundle-export.ts';
import { Journal } from '../../transcript/journal.ts';
import { SoftwareEd25519Signer } from '../../transcript/signer.ts';
import { rehearsalCeremonyId } from './run-ceremony.ts';

export async function recordInvalidScript(scriptPath: string, error: ScriptInvalidError, outFolder: string, now: () => Date = () => new Date()): Promise<ExportedBundle> {
  const ceremonyId = rehearsalCeremonyId('invalid-script', now());
  mkdirSync(outFolder, { recursive: true });
  const key = SoftwareEd25519Signer.generate(ceremonyId, 'ceremony', now);
  const { journal } = Journal.open(join(outFolder, 'transcript'), ceremonyId);
  try {
    writeFileSync(join(outFolder, 'ceremony-key.txt'), `${key.verifierKey.text}\n`, { flag: 'wx' });
    const fileSha256 = createHash('sha256').update(readFileSync(scriptPath)).digest('hex');
    journal.append({ type: 'ceremony/opened', payload: { title: `Refused script ${basename(scriptPath)}`.slice(0, 256), scriptSha256: fileSha256, signingKey: key.verifierKey.text, rehearsal: true } });
    const problems = error.problems.slice(0, 100).map((p) => ({ path: p.path, message: p.message, line: p.line ?? null, column: p.column ?? null }));
    journal.append({ type: 'ceremony/refused', payload: { code: error.code, message: error.message.slice(0, 4096), problems } });
    journal.append({ type: 'ceremony/closed', payload: { outcome: 'aborted', reason: 'The ceremony script is invalid; no step was run.' } });
    await journal.checkpoint(key);
    journal.close();
    return await exportBundle(join(outFolder, 'transcript'), join(outFolder, 'bundle'), [key.verifierKey.text], now());
  } finally {
    journal.close();
    key.destroy();
  }
}
