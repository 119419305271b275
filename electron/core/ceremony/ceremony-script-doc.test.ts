import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { ACTIONS, ACTION_NAMES } from '../../../shared/ceremony/actions.ts';
import { CEREMONY_RULES } from '../../../shared/ceremony/refusal.ts';
import { canonicalJson } from '../../../shared/ceremony/script-hash.ts';
import { CeremonyScript, HsmTarget, KeySpec, Metadata, Roles, SharePolicy, SignOffRequirement, Step } from '../../../shared/ceremony/script-schema.ts';
import { contentHash, isRunNonce, SIGN_OFF_DOMAIN, signedMessage, type StepContent } from '../../../shared/ceremony/sign-off.ts';
import { SecretBytes } from '../../../shared/secret-bytes.ts';
import { defaultCeremoniesFolder } from './built-in-scripts.ts';
import { deriveParticipantCredential } from './credential.ts';
import { parseScriptText } from './read-script.ts';

const doc = readFileSync(new URL('../../../docs/formats/ceremony-script.md', import.meta.url), 'utf8');

/** The body of the fenced block whose info string ends with `label`. */
function block(label: string): string {
  const match = new RegExp('```\\w+ ' + label + '\\n([\\s\\S]*?)\\n```').exec(doc);
  if (match?.[1] === undefined) throw new Error(`no block labelled ${label} in the format document`);
  return match[1];
}

describe('docs/formats/ceremony-script.md', () => {
  it('worked sign-off example verifies with node:crypto alone', () => {
    const content = block('step-content');
    const hash = createHash('sha256').update(content, 'utf8').digest('hex');
    expect(hash).toBe(block('content-hash'));
    const message = Buffer.from(`${block('message')}\n`, 'utf8');
    expect(message.toString()).toBe(`keyrite/ceremony/sign-off/v2\nwitness-1\n${hash}\n`);
    const key = createPublicKey({ key: Buffer.from(`302a300506032b6570032100${block('public-key')}`, 'hex'), format: 'der', type: 'spki' });
    const signature = Buffer.from(block('signature'), 'hex');
    expect(verify(null, message, key, signature)).toBe(true);
    signature[10] = (signature[10] ?? 0) ^ 1;
    expect(verify(null, message, key, signature)).toBe(false);
  });

  it('worked example is what the code produces: canonical content, message bytes, key from the passphrase, signature', async () => {
    const content = block('step-content');
    const parsed = JSON.parse(content) as StepContent;
    expect(canonicalJson(parsed)).toBe(content);
    // The example is of the current content: it has a run nonce, and its hash changes with it.
    expect(isRunNonce(parsed.runNonce)).toBe(true);
    expect(bytesToHex(contentHash({ ...parsed, runNonce: 'ff'.repeat(16) }))).not.toBe(block('content-hash'));
    expect(Buffer.from(signedMessage(SIGN_OFF_DOMAIN, 'witness-1', createHash('sha256').update(content).digest())).toString()).toBe(`${block('message')}\n`);
    const credential = await deriveParticipantCredential(SecretBytes.adopt(utf8ToBytes('correct horse battery staple')), parsed.ceremony, 'witness-1');
    expect(credential.publicKeyHex).toBe(block('public-key'));
    expect(credential.signStep(parsed).signature).toBe(block('signature'));
    credential.wipe();
  });

  it('full example is valid and is built-in ceremony 1', () => {
    const example = parseScriptText(block('full-example'));
    const builtIn = parseScriptText(readFileSync(`${defaultCeremoniesFolder()}01-root-key-generation.yaml`, 'utf8'));
    expect(example.scriptSha256).toBe(builtIn.scriptSha256);
  });

  it('documents every action with each of its parameters and result values', () => {
    const sections = new Map<string, string>();
    for (const part of doc.split(/^### /m).slice(1)) {
      const name = /^`([^`]+)`/.exec(part)?.[1];
      if (name !== undefined) sections.set(name, part);
    }
    for (const action of ACTION_NAMES) {
      const section = sections.get(action);
      expect(section, `no section for ${action}`).toBeDefined();
      for (const name of [...Object.keys(ACTIONS[action].params.shape), ...ACTIONS[action].outputs]) expect(section, `${action}: ${name}`).toContain(`\`${name}\``);
    }
    const documented = [...sections.keys()].filter((name) => name.includes('.'));
    expect(documented.sort()).toEqual([...ACTION_NAMES].sort());
  });

  it('lists every refusal code with its rule', () => {
    for (const [code, rule] of Object.entries(CEREMONY_RULES)) expect(doc).toContain(`| \`${code}\` | ${rule} |`);
  });

  it('mentions every field of the format', () => {
    const shapes = [CeremonyScript, Metadata, Roles, KeySpec, SharePolicy, SignOffRequirement, ...HsmTarget.options, ...Step.options].map((schema) => schema.shape);
    const fields = new Set(shapes.flatMap((shape) => Object.keys(shape)));
    expect(fields).toContain('onException');
    for (const field of fields) expect(doc, field).toContain(`\`${field}\``);
  });
});
