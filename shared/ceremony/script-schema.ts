/**
 * Ceremony script format v1, defined once: these zod schemas validate a
 * script, give its TypeScript type, and generate the committed JSON Schema
 * (docs/formats/ceremony-script.schema.json, see json-schema.ts).
 *
 * WARNING: no field has a default and no schema transforms its input, on
 * purpose: the validated script is exactly what the file says, so its hash
 * (script-hash.ts) can be recomputed by anyone from the file alone.
 * Rules that span fields (references, counts) are in cross-references.ts,
 * because a JSON Schema cannot express them.
 */
import { z } from 'zod';
import { ACTIONS, ACTION_NAMES, Identifier, type ActionName } from './actions.ts';

export const SCRIPT_FORMAT_VERSION = 1;

export const ROLES = ['administrator', 'custodian', 'witness', 'observer'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** Observers watch; they never sign off. */
export const SIGNING_ROLES = ['administrator', 'custodian', 'witness'] as const;
export const SigningRole = z.enum(SIGNING_ROLES);
export type SigningRole = z.infer<typeof SigningRole>;

/** The UI's bound on a share set (the envelope allows up to 255). */
export const MAX_SHARES = 16;

export const KEY_TYPES = ['aes-256', 'ec-p256', 'ec-p384', 'ed25519', 'rsa-3072', 'rsa-4096'] as const;
export const KEY_USAGES = ['encrypt', 'decrypt', 'sign', 'verify', 'wrap', 'unwrap', 'derive'] as const;

/** Same character set as the transcript and share envelope ceremony id (printable ASCII, no space, no '+'), narrowed. */
export const CeremonyId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'a ceremony id is 1 to 128 letters, digits and . _ : - characters, starting with a letter or digit');

const text = (max: number) => z.string().min(1).max(max);

export const Metadata = z.strictObject({
  formatVersion: z.literal(SCRIPT_FORMAT_VERSION).meta({ description: 'Version of this format; 1.' }),
  id: CeremonyId.meta({ description: 'Ceremony id: the transcript origin and the share envelopes\' ceremony id.' }),
  title: text(200),
  organisation: text(200),
  description: text(4000).optional(),
  mode: z.enum(['rehearsal', 'production']).meta({ description: 'A rehearsal may run on SoftHSM and treats an online machine as a warning.' }),
  airGap: z.enum(['enforce', 'warn']).meta({ description: 'enforce: a network interface up stops the ceremony; warn: it is recorded as a warning (rehearsal only).' }),
});
export type Metadata = z.infer<typeof Metadata>;

export const RoleCount = z.strictObject({ min: z.int().min(0).max(32), max: z.int().min(0).max(32) }).meta({ id: 'RoleCount' });
export type RoleCount = z.infer<typeof RoleCount>;

export const Roles = z.strictObject({
  administrator: RoleCount,
  custodian: RoleCount,
  witness: RoleCount,
  observer: RoleCount.optional(),
});
export type Roles = z.infer<typeof Roles>;

const tokenSerial = z.string().min(1).max(16);
const tokenLabel = z.string().min(1).max(32);
export const HsmTarget = z.union([
  z.strictObject({ id: Identifier, description: text(200).optional(), token: z.strictObject({ serial: tokenSerial, label: tokenLabel }) }),
  z.strictObject({ id: Identifier, description: text(200).optional(), uri: z.string().max(2048).regex(/^pkcs11:/, 'an RFC 7512 PKCS#11 URI starts with "pkcs11:"') }),
]);
export type HsmTarget = z.infer<typeof HsmTarget>;

export const KeySpec = z.strictObject({
  name: Identifier,
  type: z.enum(KEY_TYPES),
  label: z.string().regex(/^[\p{L}\p{N} ._:/-]{1,64}$/u, 'a key label is 1 to 64 letters, digits, spaces and . _ : / - characters'),
  usages: z.array(z.enum(KEY_USAGES)).min(1).max(KEY_USAGES.length),
});
export type KeySpec = z.infer<typeof KeySpec>;

export const SharePolicy = z.strictObject({
  id: Identifier,
  key: Identifier.meta({ description: 'name of the key in `keys` that is split' }),
  threshold: z.int().min(2).max(MAX_SHARES),
  total: z.int().min(2).max(MAX_SHARES).optional(),
  custodians: z.array(Identifier).min(2).max(MAX_SHARES).optional().meta({ description: 'participant ids of the custodians, one share each; when absent, any enrolled custodians' }),
});
export type SharePolicy = z.infer<typeof SharePolicy>;

export const SignOffRequirement = z.strictObject({
  roles: z.array(SigningRole).min(1).max(SIGNING_ROLES.length).meta({ description: 'a signer must hold one of these roles' }),
  count: z.int().min(1).max(32).meta({ description: 'how many distinct people' }),
}).meta({ id: 'SignOffRequirement' });
export type SignOffRequirement = z.infer<typeof SignOffRequirement>;

const requirements = z.array(SignOffRequirement).max(4);

const stepCommon = {
  id: Identifier,
  title: text(200),
  instruction: text(4000).meta({ description: 'What the people in the room are told to do, shown as written.' }),
  readAloud: z.array(z.string().min(1).max(64)).max(16).optional().meta({ description: 'names of result values read back aloud (see the action\'s outputs)' }),
  approval: requirements.optional().meta({ description: 'sign-offs required before the action may start, bound to the step without its result' }),
  signOff: requirements.optional().meta({ description: 'sign-offs required after the result is recorded, bound to the step with its result' }),
  onException: z.enum(['continue', 'abort']).meta({ description: 'whether a signed exception on this step may let the ceremony continue' }),
};

const stepVariants = ACTION_NAMES.map((action) => z.strictObject({ ...stepCommon, action: z.literal(action), params: ACTIONS[action].params }));

export const Step = z.discriminatedUnion('action', stepVariants as unknown as [StepVariant, ...StepVariant[]]);
type StepVariant = (typeof stepVariants)[number];

/** A step with its action's parameters typed. */
export type Step = { [A in ActionName]: Omit<z.infer<StepVariant>, 'action' | 'params'> & { action: A; params: z.infer<(typeof ACTIONS)[A]['params']> } }[ActionName];

export const CeremonyScript = z
  .strictObject({
    keyrite: z.literal('ceremony-script').meta({ description: 'Marks the file as a Keyrite ceremony script.' }),
    metadata: Metadata,
    roles: Roles,
    exceptionQuorum: z.strictObject({ witnesses: z.int().min(1).max(32) }).meta({ description: 'witnesses who must sign an exception besides the administrator' }),
    hsms: z.array(HsmTarget).max(8),
    keys: z.array(KeySpec).max(16),
    sharePolicies: z.array(SharePolicy).max(8),
    steps: z.array(Step).min(1).max(200),
  })
  .meta({ title: 'Keyrite ceremony script, format v1', $id: 'https://keyrite.invalid/formats/ceremony-script/v1' });

/** A script as validated by the schema (cross-references not yet checked). */
export type CeremonyScript = Omit<z.infer<typeof CeremonyScript>, 'steps'> & { steps: Step[] };
