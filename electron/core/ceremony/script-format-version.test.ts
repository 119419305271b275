/**
 * The script format's versioning decision (docs/formats/ceremony-script.md,
 * "Versioning"): format v1 is a fixed list of actions, and what a reader
 * does with an action it does not know is refuse the whole script, naming
 * the place, before anything runs. Adding an action makes the first test
 * fail until the Versioning paragraph is revisited.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACTION_NAMES } from '../../../shared/ceremony/actions.ts';
import { SCRIPT_FORMAT_VERSION } from '../../../shared/ceremony/script-schema.ts';
import { KeyriteError } from '../../../shared/result.ts';
import { defaultCeremoniesFolder } from './built-in-scripts.ts';
import { parseScriptText } from './read-script.ts';

const doc = readFileSync(new URL('../../../docs/formats/ceremony-script.md', import.meta.url), 'utf8');
const ceremony2 = readFileSync(`${defaultCeremoniesFolder()}02-master-key-split-and-load.yaml`, 'utf8');

function refusalOf(text: string): KeyriteError {
  try {
    parseScriptText(text);
  } catch (error) {
    if (error instanceof KeyriteError) return error;
    throw error;
  }
  throw new Error('the script was accepted');
}

describe('script format versioning', () => {
  it('format v1 is exactly the actions the Versioning paragraph lists', () => {
    const listed = /```text v1-actions\n([\s\S]*?)\n```/u.exec(doc)?.[1]?.split(/\s+/u).filter((a) => a !== '');
    expect(SCRIPT_FORMAT_VERSION).toBe(1);
    expect([...(listed ?? [])].sort()).toEqual([...ACTION_NAMES].sort());
  });

  it('a reader refuses an action it does not know, naming the step, instead of skipping it (what a v1 reader without preflight.custodySerials did)', () => {
    const unknown = ceremony2.replace('action: preflight.custodySerials', 'action: preflight.notInThisReader');
    expect(unknown).not.toBe(ceremony2);
    const refusal = refusalOf(unknown);
    expect(refusal.code).toBe('CEREMONY_SCRIPT_INVALID');
    expect(refusal.message).toMatch(/steps\[\d+\]\.action: Invalid discriminator value/u);
  });

  it('a script declaring another format version is refused, never read as v1', () => {
    const refusal = refusalOf(ceremony2.replace('formatVersion: 1', 'formatVersion: 2'));
    expect(refusal.code).toBe('CEREMONY_SCRIPT_INVALID');
    expect(refusal.message).toContain('metadata.formatVersion');
  });
});
