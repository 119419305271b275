/**
 * The evidence bundle as data (docs/formats/transcript.md §6): a map from
 * relative path to bytes, whatever it came from (a folder, a tar archive, a
 * drag-and-drop in the auditor's screen). Pure, so every host verifies a
 * bundle the same way.
 */
import { z } from 'zod';
import { bytesToHex, utf8Decode } from './bytes.ts';
import type { Ed25519Verify } from './ed25519.ts';
import { defaultSha256, type Sha256 } from './merkle.ts';
import { verifyTranscript, type PreparedWork, type VerificationResult } from './verify.ts';
import { CHECKPOINT_FOLDER, JOURNAL_PATH, KEYS_PATH, MANIFEST_PATH } from './layout.ts';

export * from './layout.ts';

export const BUNDLE_FORMAT = 'keyrite-evidence-bundle/v1';

export const BundleManifest = z
  .object({
    format: z.literal(BUNDLE_FORMAT),
    ceremony: z.string().min(1),
    createdAt: z.string(),
    /** Every other file of the bundle with its SHA-256 (hex), sorted by path. */
    files: z.array(z.object({ path: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int().nonnegative() }).strict()),
  })
  .strict();
export type BundleManifest = z.infer<typeof BundleManifest>;

export function buildManifest(ceremony: string, createdAt: string, files: ReadonlyMap<string, Uint8Array>, sha256: Sha256 = defaultSha256): BundleManifest {
  const entries = [...files.entries()].filter(([path]) => path !== MANIFEST_PATH).sort(([a], [b]) => (a < b ? -1 : 1));
  return { format: BUNDLE_FORMAT, ceremony, createdAt, files: entries.map(([path, bytes]) => ({ path, sha256: bytesToHex(sha256(bytes)), bytes: bytes.length })) };
}

export interface BundleVerification extends VerificationResult {
  /** Files whose hash differs from the manifest, or that it does not list. */
  readonly manifestProblems: readonly string[];
  readonly trust: 'given-keys' | 'bundle-keys';
}

export interface VerifyBundleOptions {
  /** vkeys the auditor brought; when absent, the bundle's own keys.txt is used (and the result says so). */
  readonly trustedKeys?: readonly string[];
  readonly sha256?: Sha256;
  /** See VerifyOptions.ed25519. */
  readonly ed25519?: Ed25519Verify;
  /** Work a host already did for this bundle's journal (see VerifyOptions.prepared). */
  readonly prepared?: PreparedWork;
  /** See VerifyOptions.keepEvents. */
  readonly keepEvents?: boolean;
}

function unreadable(summary: string): BundleVerification {
  return { status: 'unreadable', summary, ceremonyId: undefined, eventCount: 0, signedSize: 0, rootHex: undefined, checkpoints: [], events: [], manifestProblems: [], trust: 'bundle-keys' };
}

/**
 * Verifies a whole bundle: transcript first (it names the first bad event),
 * then the manifest. Unlike a live journal, a bundle must be complete: it is
 * `verified` only if its last event is `ceremony/closed` and the last
 * checkpoint covers it, and its manifest names the transcript's ceremony.
 */
export function verifyBundle(files: ReadonlyMap<string, Uint8Array>, options: VerifyBundleOptions = {}): BundleVerification {
  const sha256 = options.sha256 ?? defaultSha256;
  const journal = files.get(JOURNAL_PATH);
  const manifestBytes = files.get(MANIFEST_PATH);
  if (journal === undefined) return unreadable(`The bundle has no ${JOURNAL_PATH}.`);
  if (manifestBytes === undefined) return unreadable(`The bundle has no ${MANIFEST_PATH}.`);
  let manifest: BundleManifest;
  try {
    manifest = BundleManifest.parse(JSON.parse(utf8Decode(manifestBytes) ?? ''));
  } catch {
    return unreadable(`${MANIFEST_PATH} is not a Keyrite bundle manifest.`);
  }
  const trust = options.trustedKeys === undefined ? 'bundle-keys' : 'given-keys';
  const checkpoints = bundleCheckpoints(files);
  const prepared = options.prepared;
  // A bundle is the evidence of a finished ceremony: it must end with its close (§5 step 5).
  const result = verifyTranscript({ journal, checkpoints, trustedKeys: options.trustedKeys ?? bundleKeys(files) }, { sha256, requireClosed: true, keepEvents: options.keepEvents ?? true, ...(prepared === undefined ? {} : { prepared }), ...(options.ed25519 === undefined ? {} : { ed25519: options.ed25519 }) });

  const manifestProblems: string[] = [];
  if (result.ceremonyId !== undefined && manifest.ceremony !== result.ceremonyId) manifestProblems.push(`${MANIFEST_PATH} names ceremony ${manifest.ceremony}, the transcript is ceremony ${result.ceremonyId}`);
  const listed = new Set<string>();
  for (const entry of manifest.files) {
    listed.add(entry.path);
    const bytes = files.get(entry.path);
    if (bytes === undefined) manifestProblems.push(`${entry.path} is missing`);
    else if (bytes.length !== entry.bytes || bytesToHex(bytes === journal && prepared?.journalSha256 !== undefined ? prepared.journalSha256 : sha256(bytes)) !== entry.sha256) manifestProblems.push(`${entry.path} does not match its hash`);
  }
  for (const path of files.keys()) if (path !== MANIFEST_PATH && !listed.has(path)) manifestProblems.push(`${path} is not in the manifest`);

  if (result.status === 'verified' && manifestProblems.length > 0) {
    return { ...result, status: 'tampered', summary: `The transcript verifies, but the bundle's files do not match its manifest: ${manifestProblems[0] ?? ''}.`, manifestProblems, trust };
  }
  return { ...result, manifestProblems, trust };
}

/** The vkeys in the bundle's keys.txt, one a line. */
export function bundleKeys(files: ReadonlyMap<string, Uint8Array>): string[] {
  const keysText = files.get(KEYS_PATH);
  return keysText === undefined ? [] : (utf8Decode(keysText) ?? '').split('\n').filter((line) => line.trim() !== '');
}

/** The bundle's checkpoint notes, named by file (a note that is not UTF-8 cannot parse, and is reported as malformed). */
export function bundleCheckpoints(files: ReadonlyMap<string, Uint8Array>): { name: string; note: string }[] {
  const checkpoints: { name: string; note: string }[] = [];
  for (const [path, bytes] of files) {
    if (!path.startsWith(CHECKPOINT_FOLDER) || !path.endsWith('.note')) continue;
    const note = utf8Decode(bytes);
    checkpoints.push({ name: path.slice(CHECKPOINT_FOLDER.length), note: note ?? '\u0000' });
  }
  return checkpoints;
}
