/**
 * The answers file of a headless rehearsal: what the people in the room
 * would type (names, roles, rehearsal passphrases, token PINs, the witness's
 * clock reading). YAML or JSON, validated with zod so a typo is refused
 * before anything runs. Passphrases and PINs leave this module only as
 * SecretBytes (see takeSecret); the parsed object keeps them as strings
 * only because the file itself holds them in clear — it is a rehearsal file.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { CUSTODY_KINDS, Identifier, Role } from '../../../../shared/ceremony/index.ts';
import { KeyriteError } from '../../../../shared/result.ts';
import { SecretBytes } from '../../../../shared/secret-bytes.ts';

const Text = z.string().min(1).max(1024);

export const AnswersSchema = z.strictObject({
  participants: z.array(z.strictObject({ id: Identifier, name: z.string().min(1).max(128), role: Role, passphrase: Text })).min(1).max(64),
  /** PIN typed at each `hsm.login`, by script HSM target id. */
  pins: z.record(Identifier, Text).default({}),
  /** Passphrase each custodian seals (and later opens) their share with, by participant id. */
  custodianPassphrases: z.record(Identifier, Text).default({}),
  /** The UTC time the witness reads aloud; `system` takes the machine's clock (rehearsal convenience, recorded as such). */
  witnessTime: z.union([z.literal('system'), z.iso.datetime()]).default('system'),
  /**
   * Who signs which stage, by `<step id>/approval` or `<step id>/sign-off`,
   * in order. Absent: the runner picks the first enrolled people who satisfy
   * the requirement. Given: exactly these sign, so a rehearsal can show a
   * wrong role or a repeated signer being refused.
   */
  signers: z.record(z.string().regex(/^[a-z0-9-]+\/(approval|sign-off)$/), z.array(Identifier).min(1).max(64)).default({}),
  /**
   * For ceremonies over an earlier share set (custody audit, recovery,
   * reshare): the earlier ceremony's evidence bundle, which must verify and
   * is where the share set's record comes from, and each custodian's
   * medium (a folder holding their one share file, or the file). For key
   * destruction: the bundle of the ceremony that generated the key, and
   * `rehearsalHsm`, the rehearsal-hsm folder that rehearsal left in its
   * --out folder, whose tokens (copied) stand in for the script's HSMs.
   * Relative paths are relative to the answers file.
   */
  previous: z.strictObject({ bundle: z.string().min(1).max(4096), shares: z.record(Identifier, z.string().min(1).max(4096)).default({}), rehearsalHsm: z.string().min(1).max(4096).optional() }).optional(),
  /**
   * Serials entered at a `preflight.custodySerials` step, one per item the
   * step lists (same kind and label): what one person typed and what a
   * witness read back from the item itself. Serials are public.
   */
  custodySerials: z.array(z.strictObject({ kind: z.enum(CUSTODY_KINDS), label: z.string().min(1).max(128), typed: z.string().min(1).max(256), readBack: z.string().min(1).max(256) })).max(32).default([]),
  /**
   * The earlier ceremony's evidence bundle whose custody serials these are
   * compared with, when it is not `previous.bundle` (e.g. a root key
   * ceremony that splits nothing). Relative to the answers file.
   */
  serialsFrom: z.string().min(1).max(4096).optional(),
  /**
   * The folder each custodian's new share is written to at `shares.write`,
   * by participant id: a mounted stick, or a folder on one. Absent for a
   * custodian: the rehearsal default `<out>/media/<custodian>/`. The folder
   * must exist; it is not created. Relative to the answers file.
   */
  media: z.record(Identifier, z.string().min(1).max(4096)).default({}),
});
export type Answers = z.infer<typeof AnswersSchema>;

export const ANSWERS_HELP = `Answers file (YAML or JSON):
  participants:            # one entry per person, in enrolment order
    - { id: ada, name: Ada Admin, role: administrator, passphrase: "rehearsal passphrase" }
  pins: { primary: "12345678" }        # PIN typed at hsm.login, by HSM target id
  custodianPassphrases: { carl: "..." } # seals each custodian's share
  witnessTime: system                  # or an RFC 3339 UTC time read by a witness
  signers: { "login/approval": [wendy] } # optional: who signs a stage, in order
  previous:                            # audit, recovery, reshare: the earlier ceremony
    bundle: ../split/bundle            #   its evidence bundle (must verify)
    shares: { carl: ../split/media/carl } # each custodian's medium (folder or file)
    rehearsalHsm: ../root/rehearsal-hsm #   key destruction: the earlier rehearsal's tokens (copied)
  custodySerials:                      # preflight.custodySerials: typed, then read back by a witness
    - { kind: tamper-bag, label: bag A, typed: "TB-0001", readBack: "TB-0001" }
  serialsFrom: ../earlier/bundle       # optional: compare serials with this bundle (else previous.bundle)
  media: { carl: /media/carl/STICK }   # optional: where shares.write puts a custodian's new share
                                       #   (an existing folder; default <out>/media/<custodian>/)
Rehearsal tokens are fresh SoftHSM tokens with user PIN 12345678.`;

/** Reads and validates an answers file; throws KeyriteError CEREMONY_ANSWERS_INVALID naming every problem. */
export async function loadAnswersFile(path: string): Promise<Answers> {
  let raw: unknown;
  try {
    raw = parseYaml(await readFile(path, 'utf8'), { version: '1.2', uniqueKeys: true });
  } catch (error) {
    throw new KeyriteError('CEREMONY_ANSWERS_INVALID', `The answers file cannot be read: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  const parsed = parseAnswers(raw);
  const base = dirname(resolve(path));
  const media = Object.fromEntries(Object.entries(parsed.media).map(([id, where]) => [id, resolve(base, where)]));
  const answers = { ...(parsed.serialsFrom === undefined ? parsed : { ...parsed, serialsFrom: resolve(base, parsed.serialsFrom) }), media };
  if (answers.previous === undefined) return answers;
  const shares = Object.fromEntries(Object.entries(answers.previous.shares).map(([id, where]) => [id, resolve(base, where)]));
  const rehearsalHsm = answers.previous.rehearsalHsm === undefined ? {} : { rehearsalHsm: resolve(base, answers.previous.rehearsalHsm) };
  return { ...answers, previous: { bundle: resolve(base, answers.previous.bundle), shares, ...rehearsalHsm } };
}

export function parseAnswers(raw: unknown): Answers {
  const parsed = AnswersSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(top)'}: ${issue.message}`);
    throw new KeyriteError('CEREMONY_ANSWERS_INVALID', `The answers file is invalid:\n  ${problems.join('\n  ')}`);
  }
  return parsed.data;
}

/** A text answer as SecretBytes: the one form secrets travel in past this point. */
export const takeSecret = (text: string): SecretBytes => SecretBytes.adopt(new TextEncoder().encode(text));
