/**
 * Sign-offs: what a participant's signature is over, so that an approval is
 * bound to exactly the operation it approves (docs/formats/ceremony-script.md,
 * "Sign-off message").
 *
 * The step content is a small JSON object: ceremony id, the run nonce,
 * script hash, step id, index and action, the stage (approval before the
 * action, sign-off after it) and the action's public result (null for an
 * approval). Its content hash is SHA-256 over its RFC 8785 canonical form.
 * The signed message is three lines of ASCII, so it can be checked with
 * node:crypto alone:
 *
 *   keyrite/ceremony/sign-off/v2\n<participant id>\n<content hash, hex>\n
 *
 * The run nonce is there because ceremony id, script and step (and the
 * participant's key, derived from passphrase, ceremony id and participant
 * id) are the same when an aborted ceremony is run again from the same
 * script: without it, the aborted run's approvals would verify in the new
 * run, and could be replayed without the people who gave them. v1 messages
 * had no nonce and are not accepted.
 *
 * The participant id is in the message so a signature cannot be presented
 * as another participant's (the key alone would also stop that, but the
 * record then says who meant to sign).
 */
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { pureEd25519Verify } from '../transcript/ed25519.ts';
import { canonicalSha256 } from './script-hash.ts';
import type { Step } from './script-schema.ts';

// v2: the content carries the run nonce (and an exception the hash of the result it approves).
export const SIGN_OFF_DOMAIN = 'keyrite/ceremony/sign-off/v2';
export const EXCEPTION_DOMAIN = 'keyrite/ceremony/exception/v2';

/** A run nonce: 16 random bytes chosen when the ceremony starts, lower-case hex. */
export const RUN_NONCE_BYTES = 16;
export const isRunNonce = (value: unknown): value is string => typeof value === 'string' && new RegExp(`^[0-9a-f]{${RUN_NONCE_BYTES * 2}}$`).test(value);

/** JSON that may appear in a result: no undefined, no non-finite numbers. */
export type PublicValue = string | number | boolean | null | readonly PublicValue[] | { readonly [key: string]: PublicValue };

export type SignOffStage = 'approval' | 'sign-off';

export interface StepContent {
  ceremony: string;
  /** This run of the ceremony (recorded in `ceremony/opened`). */
  runNonce: string;
  scriptSha256: string;
  step: { id: string; index: number; action: Step['action'] };
  stage: SignOffStage;
  /** The action's public result; null for an approval (the action has not run). */
  result: PublicValue;
}

export interface ExceptionContent {
  ceremony: string;
  runNonce: string;
  scriptSha256: string;
  step: { id: string; index: number; action: Step['action'] };
  expected: string;
  actual: string;
  /**
   * SHA-256 (hex) of the canonical JSON of the deviating result the
   * exception is about: `actual` is free text for people, this is what
   * binds a "continue" to the one result it lets through.
   */
  resultSha256: string;
  decision: 'continue' | 'abort';
}

/** Lower-case hex SHA-256 of a result's canonical JSON, as an exception's `resultSha256`. */
export const resultSha256 = (result: PublicValue): string => bytesToHex(canonicalSha256(result));

/** SHA-256 over the RFC 8785 canonical JSON of the content. */
export const contentHash = (content: StepContent | ExceptionContent): Uint8Array => canonicalSha256(content);

/** The exact bytes a participant signs. */
export function signedMessage(domain: typeof SIGN_OFF_DOMAIN | typeof EXCEPTION_DOMAIN, participantId: string, hash: Uint8Array): Uint8Array {
  if (hash.length !== 32) throw new Error('a content hash is 32 bytes');
  if (!/^[\x21-\x7e]+$/.test(participantId)) throw new Error('a participant id is printable ASCII');
  return utf8ToBytes(`${domain}\n${participantId}\n${bytesToHex(hash)}\n`);
}

export interface SignatureClaim {
  participantId: string;
  /** Ed25519 public key, hex. */
  publicKey: string;
  /** Ed25519 signature, hex (64 bytes). */
  signature: string;
}

/** True when `claim` is a valid Ed25519 signature over the message for `hash`: RFC 8032, by the equation OpenSSL checks (transcript/ed25519.ts), so an auditor's openssl agrees. */
export function verifySignature(domain: typeof SIGN_OFF_DOMAIN | typeof EXCEPTION_DOMAIN, hash: Uint8Array, claim: SignatureClaim): boolean {
  if (!/^[0-9a-f]{128}$/.test(claim.signature) || !/^[0-9a-f]{64}$/.test(claim.publicKey)) return false;
  try {
    return pureEd25519Verify(hexToBytes(claim.signature), signedMessage(domain, claim.participantId, hash), hexToBytes(claim.publicKey));
  } catch {
    return false;
  }
}
