/**
 * The HSM layer's public API, for the engine. Everything PKCS#11 goes
 * through an HsmModule (one per library, kept in an HsmRegistry) and an
 * HsmSession (one owned session per token); the operations below take the
 * session. See docs/hsm-modules.md.
 */
export { HsmModule, HsmRegistry, type HsmModuleOptions, type TokenDescription, type TokenSelector, type TokenFlags } from './hsm-module.ts';
export { HsmSession, type SessionTimeouts } from './hsm-session.ts';
export { HsmError, hsmErrorFrom, CKR_NAMES } from './hsm-error.ts';
export { PinGuard, DEFAULT_PIN_ATTEMPTS } from './pin-guard.ts';
export { parsePkcs11Uri, formatPkcs11Uri, type Pkcs11Uri } from './pkcs11-uri.ts';
export { generateKey, type KeyAlgorithm, type KeyRequest, type GeneratedKey } from './key-generation.ts';
export { importSecretKey, type ImportMethod, type ImportRequest, type ImportedKey } from './key-import.ts';
export { openSigner, verifyOnHost, type Signer, type SignatureScheme } from './signing.ts';
export { destroyKey, type DestructionEvidence } from './key-destruction.ts';
export { takeInventory, diffInventories, checkPolicy, type Inventory, type InventoryDiff, type InventoryRule, type PolicyViolation } from './inventory.ts';
export { hsmRandom, mixedRandom } from './random.ts';
export { hostAesCheckValues, type CheckValue, type PublicKeyExport } from './key-material.ts';
export { human, toHexGroups, toWords, type HumanValue } from '../../../shared/human-value.ts';
export type { KeyRef } from './key-lookup.ts';
export type { KeyUsage, ObjectDescription, ObjectClass } from './key-objects.ts';
export { faultyBinding, type Fault, type FaultPlan, type FaultyBinding } from './fault-binding.ts';
