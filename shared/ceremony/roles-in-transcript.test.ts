/**
 * The transcript records the roles a ceremony script declares: the two lists
 * must not drift apart (an observer enrolled by a script was once refused by
 * the transcript's own list).
 */
import { describe, expect, it } from 'vitest';
import { knownPayloads, checkPayload } from '../transcript/payloads.ts';
import { ROLES } from './script-schema.ts';

describe('roles in the transcript', () => {
  it('participant/enrolled accepts exactly the roles of a ceremony script', () => {
    const field = knownPayloads['participant/enrolled']?.['role'] as { values?: readonly string[] } | undefined;
    expect([...(field?.values ?? [])].sort()).toEqual([...ROLES].sort());
    for (const role of ROLES) expect(checkPayload('participant/enrolled', { participant: 'p1', displayName: 'Alice', role })).toBeUndefined();
    expect(checkPayload('participant/enrolled', { participant: 'p1', displayName: 'Alice', role: 'auditor' })).toBeDefined();
  });
});
