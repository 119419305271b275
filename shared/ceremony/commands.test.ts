import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CeremonyCommandSchema } from './commands.ts';
import { CeremonyRefusal } from './refusal.ts';
import { scriptSha256 } from './script-hash.ts';
import { fixtureScript } from './script-fixture.ts';
import { applyCommand, reduce, startCeremony, type CeremonyCommand, type CeremonyState } from './state-machine.ts';

const script = fixtureScript();
const hash = scriptSha256(script);
const hex = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });
const id = fc.constantFrom('air-gap', 'enrol', 'login', 'generate', 'split', 'close', 'p1', 'nope');
const claim = fc.record({ participantId: id, publicKey: hex(64), signature: hex(128) });
const json = fc.jsonValue({ maxDepth: 3 });
const command: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({ kind: fc.constant('record-preflight'), stepId: id, result: json, deviation: fc.boolean() }),
  fc.record({ kind: fc.constant('enrol'), participant: fc.record({ id, name: fc.string({ minLength: 1, maxLength: 20 }), role: fc.constantFrom('administrator', 'custodian', 'witness', 'observer', 'auditor'), publicKey: hex(64) }) }),
  fc.record({ kind: fc.constant('sign-off'), stepId: id, claim }),
  fc.record({ kind: fc.constant('record-result'), stepId: id, result: json }, { requiredKeys: ['kind', 'stepId'] }),
  fc.record({ kind: fc.constant('raise-exception'), stepId: id, expected: fc.string(), actual: fc.string(), resultSha256: fc.oneof(hex(64), fc.string()), decision: fc.constantFrom('continue', 'abort', 'maybe'), signatures: fc.array(claim, { maxLength: 3 }) }),
  fc.record({ kind: fc.constant('abort'), reason: fc.string() }),
  fc.record({ kind: fc.constantFrom('close', 'open') }),
  fc.anything(),
);

describe('ceremony commands at the boundary', () => {
  it('refuses extra fields, bad hex and oversized results', () => {
    expect(CeremonyCommandSchema.safeParse({ kind: 'close', force: true }).success).toBe(false);
    expect(CeremonyCommandSchema.safeParse({ kind: 'sign-off', stepId: 'enrol', claim: { participantId: 'p1', publicKey: 'AB'.repeat(32), signature: '00'.repeat(64) } }).success).toBe(false);
    expect(CeremonyCommandSchema.safeParse({ kind: 'record-result', stepId: 'x', result: { big: 'x'.repeat(70_000) } }).success).toBe(false);
    expect(CeremonyCommandSchema.safeParse({ kind: 'record-result', stepId: 'x', result: { ok: [1, 2, { three: null }] } }).success).toBe(true);
  });

  it('the reducer answers every schema-valid command with a new state or a named refusal, never a crash', () => {
    const start = reduce(startCeremony(script, hash, 'c3'.repeat(16)), { kind: 'record-preflight', stepId: 'air-gap', result: {} });
    fc.assert(
      fc.property(fc.array(command, { maxLength: 20 }), (commands) => {
        let state: CeremonyState = start;
        for (const raw of commands) {
          const parsed = CeremonyCommandSchema.safeParse(raw);
          if (!parsed.success) continue;
          const t = applyCommand(state, parsed.data as CeremonyCommand);
          if (t.ok) state = t.state;
          else expect(t.refusal).toBeInstanceOf(CeremonyRefusal);
        }
      }),
      { numRuns: 200 },
    );
  });
});
