/**
 * The fixed set of engine actions a ceremony script may name
 * (docs/formats/ceremony-script.md, "Actions"). Each action has its own
 * parameter schema and a list of the public values its result carries:
 * those are the only names a step may ask to be read aloud, and what a
 * sign-off after the action is bound to (see step-content.ts).
 *
 * Adding an action means: a row here, a paragraph in the format document
 * (a test checks every action is documented) and an engine handler.
 */
import { z } from 'zod';

/** Lower-case kebab identifiers: ids of HSM targets, keys, share policies, steps and participants. */
export const Identifier = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, 'an id is 1 to 64 lower-case letters, digits and inner hyphens');

const hsm = Identifier.meta({ description: 'id of an HSM target in `hsms`' });
const key = Identifier.meta({ description: 'name of a key in `keys`' });
const sharePolicy = Identifier.meta({ description: 'id of a share policy in `sharePolicies`' });
const stepRef = Identifier.meta({ description: 'id of an earlier step' });
const hsmList = z.array(hsm).min(1).max(8);
const days = z.int().min(0).max(3650);

/** Kinds of item whose serial a custody step records (the devices module's CustodyKind; shared/ cannot import it). */
export const CUSTODY_KINDS = ['tamper-bag', 'hsm', 'laptop', 'medium', 'other'] as const;

const custodyItems = z
  .array(z.strictObject({ kind: z.enum(CUSTODY_KINDS), label: z.string().min(1).max(128).meta({ description: 'what people call the item, e.g. "bag A"; with kind, how an earlier ceremony\'s serial is found' }) }))
  .min(1)
  .max(32);

/** Rules the HSM inventory is checked against (electron/core/hsm/inventory.ts, plus `only-script-labels`). */
export const INVENTORY_RULES = ['no-extractable-secrets', 'all-secrets-sensitive', 'no-session-objects', 'only-script-labels'] as const;

interface ActionDefinition {
  params: z.ZodObject;
  /** Names of the public values in the action's recorded result. */
  outputs: readonly string[];
  /** One line for the format document's table. */
  summary: string;
}

const define = <S extends z.ZodRawShape>(summary: string, params: S, outputs: readonly string[]) => ({ summary, params: z.strictObject(params), outputs });

export const ACTIONS = {
  'preflight.airGap': define('No network interface up other than loopback; a warning in rehearsal, a stop in production (metadata.airGap).', {}, ['interfacesUp', 'radiosOn', 'defaultRoutes', 'decision', 'environment']),
  'preflight.clock': define('A witness reads the UTC time aloud and types it; the skew against the system clock must not exceed maxSkewSeconds.', { maxSkewSeconds: z.int().min(1).max(3600) }, ['witnessTime', 'systemTime', 'skewSeconds']),
  'preflight.custodySerials': define('Each listed item\'s serial is typed by one person and read back by a witness, recorded, and compared with the serials an earlier ceremony recorded.', { items: custodyItems }, ['serials', 'comparedWith', 'mismatches']),
  'preflight.inventory': define('USB devices, removable media and the listed HSMs, recorded before anything changes.', { hsms: z.array(hsm).max(8) }, ['usbDevices', 'removableMedia', 'hsmObjects', 'snapshotSha256']),
  'participants.enrol': define('Each participant is enrolled with a name, a role and a personal signing credential; role counts and separation are enforced.', {}, ['participants']),
  'hsm.login': define('The administrator logs in to an HSM target (the PIN never leaves the engine).', { hsm }, ['tokenSerial', 'tokenLabel']),
  'hsm.generateKey': define('Generates a key inside the HSM: token, private, sensitive, not extractable, only the usages of its key spec.', { hsm, key }, ['keyId', 'fingerprint', 'fingerprintWords', 'checkValue', 'checkValueWords']),
  'hsm.exportPublicKey': define('Exports the public half of a key pair and its fingerprint.', { hsm, key }, ['publicKey', 'fingerprint', 'fingerprintWords']),
  'secret.generate': define('Generates a secret key outside the HSM (HSM random mixed with the OS CSPRNG), held only in engine memory.', { key, hsm: hsm.meta({ description: 'HSM target whose random generator is mixed in' }) }, ['fingerprint', 'fingerprintWords', 'commitment', 'commitmentWords']),
  'shares.split': define('Splits the key of a share policy into threshold-of-total shares, one per custodian, each sealed under the custodian\'s passphrase.', { sharePolicy }, ['shareSetId', 'commitment', 'commitmentWords', 'custodians']),
  'shares.write': define('Writes each sealed share to its custodian\'s medium, reads it back and checks it.', { sharePolicy }, ['written', 'readBack']),
  'shares.collect': define('Custodians present their shares one at a time; the key is rebuilt and authenticated against the share set\'s commitment.', { sharePolicy }, ['custodiansPresent', 'commitment', 'commitmentWords', 'fingerprintWords']),
  'shares.revoke': define('Records that every share of a share set is revoked (after a reshare).', { sharePolicy }, ['shareSetId', 'revoked']),
  'key.load': define('Loads the rebuilt or generated secret key into each HSM (unwrapped inside the HSM); engine buffers wiped.', { key, hsms: hsmList }, ['keyIds', 'checkValues']),
  'key.compareCheckValues': define('Compares the key check value reported by each HSM with the one computed from the commitment.', { key, hsms: hsmList }, ['checkValue', 'checkValueWords', 'matches']),
  'inventory.snapshot': define('Records every object on an HSM with its security attributes.', { hsm }, ['objectCount', 'snapshotSha256', 'snapshotWords']),
  'inventory.diff': define('Compares an HSM with an earlier snapshot and checks the inventory rules.', { hsm, before: stepRef, rules: z.array(z.enum(INVENTORY_RULES)).max(4) }, ['added', 'removed', 'changed', 'violations']),
  'key.deprecate': define('Marks a key deprecated: it stays usable to verify during graceDays.', { key, hsm, graceDays: days }, ['deprecatedAt', 'graceEndsAt', 'fingerprint']),
  'key.scheduleDestruction': define('After the grace period, schedules destruction no earlier than waitingPeriodDays from now.', { key, hsm, deprecation: stepRef, waitingPeriodDays: days }, ['scheduledAt', 'notBefore']),
  'key.destroy': define('Destroys the key once its schedule allows, with evidence (fingerprint, check values, absence re-checked).', { key, hsm, schedule: stepRef }, ['destroyedAt', 'fingerprint', 'evidenceSha256']),
  'custody.audit': define('Each custodian proves they still hold their share; nothing is rebuilt.', { sharePolicy }, ['custodiansProven', 'custodiansMissing']),
  'ceremony.close': define('Final checkpoint, cosigned by the participants; the evidence bundle is exported.', {}, ['outcome', 'stepsCompleted', 'checkpoint']),
} as const satisfies Record<string, ActionDefinition>;

export type ActionName = keyof typeof ACTIONS;
export const ACTION_NAMES = Object.keys(ACTIONS) as ActionName[];

export const isPreflightAction = (action: ActionName): boolean => action.startsWith('preflight.');
