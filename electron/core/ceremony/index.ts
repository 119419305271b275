/**
 * The ceremony engine's Node side: reading script files (YAML/JSON with
 * located errors), the built-in ceremonies, and participants' signing
 * credentials. The pure half is shared/ceremony/index.ts.
 */
export { loadScriptFile, parseScriptText, locatorFor, MAX_SCRIPT_BYTES } from './read-script.ts';
export { BUILT_IN_CEREMONIES, defaultCeremoniesFolder, loadBuiltInScripts } from './built-in-scripts.ts';
export { ParticipantCredential, deriveParticipantCredential, credentialSalt, PARTICIPANT_KDF, MIN_PASSPHRASE_BYTES, CREDENTIAL_SALT_PREFIX } from './credential.ts';
export type { CredentialKdfCost } from './credential.ts';
