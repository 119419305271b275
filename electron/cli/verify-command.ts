/**
 * `keyrite verify <bundle> [--json] [--key <vkey>]... [--keys <file>]`:
 * verifies an evidence bundle (folder or .tar) offline, with the pure
 * verifier from shared/ asked for the verdict alone, on one thread or
 * several (verify-in-parallel.ts: the same verdict), and says so with an
 * exit code a script can test.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { hexToBytes } from '../../shared/transcript/bytes.ts';
import { digestAsWords } from '../../shared/transcript/words.ts';
import { MAX_THREADS, PARALLEL_MIN_BYTES, defaultThreads, readAndVerifyBundle, type BundleVerdict } from '../core/transcript/verify-in-parallel.ts';
import { COMMAND_SUMMARIES, type Command, type CommandIo } from './command.ts';

/** Distinct exit codes (docs/formats/transcript.md §5). */
export const VERIFY_EXIT = { verified: 0, tampered: 1, 'unsigned-tail': 2, unreadable: 3, usage: 64 } as const;

const help = `Usage: keyrite verify <bundle> [--json] [--key <vkey>]... [--keys <file>] [--threads N]

Verifies an evidence bundle (a folder or its .tar archive) offline: every
event's schema, sequence and hash link, the RFC 6962 tree, every checkpoint's
signature and cosignatures, that the last checkpoint covers every event, that
the last event is ceremony/closed (a bundle is a finished ceremony's
evidence), and the manifest's file hashes and ceremony id.

  <bundle>         the bundle folder or .tar file
  --key <vkey>     a public key to trust (repeatable); give the ceremony key you
                   obtained yourself. Without --key/--keys the bundle's own
                   keys.txt is used, and the output says so.
  --keys <file>    a file of vkeys, one per line
  --json           print the result as JSON instead of text
  --threads N      threads that share the journal's checking, 1 to ${MAX_THREADS} (default:
                   one a core, here ${defaultThreads()}): one hashes the journal's tree, the others
                   check its lines, then hash the tree's last chunks until they meet it; a journal
                   under ${PARALLEL_MIN_BYTES / 1e6} MB is checked on one thread. Every count gives
                   the same verdict.

Exit status: 0 verified, 1 tampered, 2 unsigned tail (events after the last
checkpoint), 3 unreadable (not a bundle, or no trusted ceremony key), 64 usage.
  1 (tampered) includes a transcript that does not end with ceremony/closed:
  every signature may still verify, but events after its last one (an
  exception, an abort, a destruction) may have been removed.
`;

function describe(result: BundleVerdict): string {
  const lines = [`${result.status.toUpperCase()}: ${result.summary}`];
  lines.push(`ceremony: ${result.ceremonyId ?? '(unknown)'}`);
  lines.push(`events: ${result.eventCount}, covered by signed checkpoints: ${result.signedSize}`);
  if (result.firstBadEvent !== undefined) lines.push(`first bad event: ${result.firstBadEvent.index} (${result.firstBadEvent.reason})`);
  if (result.badCheckpoint !== undefined) lines.push(`bad checkpoint: ${result.badCheckpoint.name} (${result.badCheckpoint.reason})`);
  for (const problem of result.manifestProblems) lines.push(`manifest: ${problem}`);
  for (const c of result.checkpoints) lines.push(`checkpoint ${c.size}: signed by ${c.signedBy}${c.cosigners.length > 0 ? `, cosigned by ${c.cosigners.map((s) => s.name).join(', ')}` : ''}`);
  if (result.rootHex !== undefined) {
    lines.push(`root: ${result.rootHex}`);
    lines.push(`root as words: ${digestAsWords(hexToBytes(result.rootHex)).join(' ')}`);
  }
  if (result.trust === 'bundle-keys') lines.push('trust: keys taken from the bundle itself; compare the ceremony key with the one printed at the ceremony, or pass --key.');
  return `${lines.join('\n')}\n`;
}

export const verifyCommand: Command = {
  name: 'verify',
  summary: COMMAND_SUMMARIES.verify,
  help,
  async run(args: readonly string[], io: CommandIo): Promise<number> {
    let parsed;
    try {
      parsed = parseArgs({ args: [...args], allowPositionals: true, options: { json: { type: 'boolean' }, key: { type: 'string', multiple: true }, keys: { type: 'string' }, threads: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
    } catch (error) {
      io.error(`${error instanceof Error ? error.message : String(error)}\n\n${help}`);
      return VERIFY_EXIT.usage;
    }
    if (parsed.values.help === true) {
      io.out(help);
      return 0;
    }
    const [bundlePath, ...extra] = parsed.positionals;
    // Decimal digits only: Number() would also take '0x2', '2e0' and ' 2 '.
    const threads = parsed.values.threads === undefined ? defaultThreads() : /^[0-9]+$/u.test(parsed.values.threads) ? Number(parsed.values.threads) : Number.NaN;
    if (bundlePath === undefined || extra.length > 0 || !Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
      io.error(help);
      return VERIFY_EXIT.usage;
    }
    const given = [...(parsed.values.key ?? [])];
    let result: BundleVerdict;
    try {
      if (parsed.values.keys !== undefined) given.push(...readFileSync(parsed.values.keys, 'utf8').split('\n').filter((line) => line.trim() !== ''));
      const trust = given.length > 0 ? { trustedKeys: given } : {};
      result = await readAndVerifyBundle(bundlePath, { ...trust, threads });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      result = { status: 'unreadable', summary: `The bundle could not be read: ${reason}`, ceremonyId: undefined, eventCount: 0, signedSize: 0, rootHex: undefined, checkpoints: [], manifestProblems: [], trust: given.length > 0 ? 'given-keys' : 'bundle-keys' };
    }
    if (parsed.values.json === true) {
      io.out(`${JSON.stringify({ ...result, rootWords: result.rootHex === undefined ? [] : digestAsWords(hexToBytes(result.rootHex)) }, null, 2)}\n`);
    } else {
      io.out(describe(result));
    }
    return VERIFY_EXIT[result.status];
  },
};
