/**
 * TEST ONLY: the wrong shares custodians bring to a recovery, put where the
 * share form offers media. No removable medium exists in this container, so
 * each sits in a folder of the data folder's `ceremonies/` that the engine
 * lists like a rehearsal medium (`<folder>: media/<custodian>`; it has no
 * transcript, so Home never takes it for a ceremony). Each comes with the
 * engine's code and the words it must answer with (electron/core/shares/,
 * actions/shares-collect.ts):
 * - a damaged copy: Carl's share file with one base64 character of its body
 *   changed, so the envelope's CRC-32 fails (SHARE_CHECKSUM_MISMATCH);
 * - a share of another set of the same ceremony, as an earlier split that was
 *   redone would leave on a stick, sealed under Carl's passphrase by the
 *   engine's own splitSecret (SHARE_OTHER_SET, refused before any KDF);
 * - the same share twice: the form no longer lists Carl once his share is
 *   accepted, so Ed hands over a copy of it; the engine refuses a share that
 *   is not the one recorded for the custodian presenting it (SHARE_NOT_RECORDED).
 * Their secret material joins the run's (run-secrets.ts): it was presented.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SecretBytes } from '../../shared/secret-bytes.ts';
import { fromArmour, splitSecret, toArmour, shareFileName } from '../../electron/core/shares/index.ts';
import type { RunSecrets } from './run-secrets.ts';

/** A share presented by the wrong hands or in the wrong state, and what the engine must say. */
export interface WrongShare {
  /** The custodian (id) who presents it, at their turn, before their own share. */
  by: string;
  /** The medium's label as the form lists it. */
  medium: string;
  /** The file name the refusal must name. */
  file: string;
  code: string;
  /** The reason in words, after the share's name. */
  says: RegExp;
}

export interface StrayShares {
  wrong: WrongShare[];
  /** Removes the folders, so later ceremonies are offered only genuine media. */
  remove(): void;
}

const onlyShare = (folder: string): string => {
  const files = readdirSync(folder).filter((n) => n.endsWith('.share'));
  if (files.length !== 1) throw new Error(`${folder} holds ${files.length} share files`);
  return files[0] as string;
};

/**
 * One base64 character of the body changed to another base64 character:
 * still well-formed text of the same length, one byte of the sealed value
 * different (24 bytes before the end, inside the ciphertext and tag, so no
 * length field changes and the CRC-32 is what fails).
 */
export function damage(armour: string): string {
  const lines = armour.split('\n');
  const first = lines.indexOf('') + 1;
  const width = (lines[first] ?? '').length;
  const envelopeBytes = (lines.slice(first).filter((l) => /^[A-Za-z0-9+/=]+$/u.test(l)).join('').length / 4) * 3;
  const char = Math.floor((envelopeBytes - 24) / 3) * 4;
  const row = first + Math.floor(char / width);
  const line = lines[row] ?? '';
  const at = char % width;
  lines[row] = `${line.slice(0, at)}${line[at] === 'A' ? 'B' : 'A'}${line.slice(at + 1)}`;
  return lines.join('\n');
}

/**
 * Places the three wrong shares beside `splitRun` (ceremony 2's run folder),
 * for a recovery in which Carl presents first and Ed after him.
 */
export async function placeStrayShares(splitRun: string, passphrases: Readonly<Record<string, string>>, secrets: RunSecrets): Promise<StrayShares> {
  const ceremonies = dirname(splitRun);
  const folders: string[] = [];
  const medium = (name: string, custodian: string): string => {
    const folder = join(ceremonies, name, 'media', custodian);
    mkdirSync(folder, { recursive: true });
    folders.push(join(ceremonies, name));
    return folder;
  };
  const carlsFolder = join(splitRun, 'media', 'carl');
  const carlsFile = onlyShare(carlsFolder);
  const carlsArmour = readFileSync(join(carlsFolder, carlsFile), 'utf8');

  const damaged = damage(carlsArmour);
  writeFileSync(join(medium('a-damaged-copy', 'carl'), carlsFile), damaged);
  secrets.add(`the damaged copy of Carl's share (${carlsFile})`, new TextEncoder().encode(damaged));

  cpSync(join(carlsFolder, carlsFile), join(medium('a-copy-of-carls-share', 'ed'), carlsFile));

  // Another set of the same ceremony and key, M and N as recorded, a fresh secret.
  const { header } = fromArmour(carlsArmour, carlsFile).parsed;
  const custodians = ['carl', 'dora', 'ed', 'fay', 'gus'];
  const master = crypto.getRandomValues(new Uint8Array(header.secretLength));
  const secret = new SecretBytes(master);
  const set = await splitSecret(secret, {
    ceremonyId: header.ceremonyId, key: { id: header.keyId, label: header.keyLabel, fingerprint: header.keyFingerprint }, threshold: header.threshold,
    custodians: custodians.map((name) => ({ name, passphrase: new SecretBytes(new TextEncoder().encode(passphrases[name] ?? `${name} share passphrase`)) })),
    createdAt: new Date(header.createdAt - 86_400_000),
  });
  secret.wipe();
  secrets.add(`the master secret of the other set ${set.setId.slice(0, 8)}…`, master);
  const carls = set.shares[0];
  if (carls === undefined) throw new Error('the other set has no share for carl');
  const otherFile = shareFileName(carls);
  const otherFolder = medium('an-earlier-split', 'carl');
  writeFileSync(join(otherFolder, otherFile), toArmour(carls.envelope));
  await secrets.collectMedium(otherFolder, passphrases['carl']);

  return {
    wrong: [
      { by: 'carl', medium: 'a-damaged-copy: media/carl', file: carlsFile, code: 'SHARE_CHECKSUM_MISMATCH', says: /was refused: its checksum does not match: the file is damaged or incomplete\./ },
      { by: 'carl', medium: 'an-earlier-split: media/carl', file: otherFile, code: 'SHARE_OTHER_SET', says: new RegExp(`\\(share ${carls.index} of set ${set.setId.slice(0, 8)}…, held by carl\\) was refused: it belongs to share set ${set.setId.slice(0, 8)}…, not [0-9a-f]{8}…\\.`) },
      { by: 'ed', medium: 'a-copy-of-carls-share: media/ed', file: carlsFile, code: 'SHARE_NOT_RECORDED', says: new RegExp(`was refused: it is share ${header.index}, held by carl; the earlier ceremony recorded share \\d+ for ed\\.`) },
    ],
    remove: () => {
      for (const folder of folders) rmSync(folder, { recursive: true, force: true });
    },
  };
}
