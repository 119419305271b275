import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyriteError } from '../../../shared/result.ts';
import { scriptProblems, validateScript } from '../../../shared/ceremony/parse-script.ts';
import { fixtureScript } from '../../../shared/ceremony/script-fixture.ts';
import { ScriptInvalidError } from '../../../shared/ceremony/script-problems.ts';
import type { SignOffRequirement, SigningRole } from '../../../shared/ceremony/script-schema.ts';
import { SIGNING_ROLES } from '../../../shared/ceremony/script-schema.ts';
import { requirementsMet } from '../../../shared/ceremony/sign-off-rules.ts';

/** The fixture as a plain JSON value a test may break in any way. */
type Json = ReturnType<typeof JSON.parse>;
const broken = (edit: (s: Json) => void): unknown => {
  const script: Json = structuredClone(fixtureScript());
  edit(script);
  return script;
};
const pathsOf = (value: unknown): string[] => scriptProblems(value).map((p) => p.path);

describe('validateScript', () => {
  it('accepts the fixture and hashes its RFC 8785 form with SHA-256', () => {
    const script = fixtureScript();
    const { scriptSha256 } = validateScript(script);
    // Independent check: for this script (ASCII strings, small integers) JCS is JSON with keys sorted by code unit.
    const sorted = (v: unknown): unknown => (Array.isArray(v) ? v.map(sorted) : typeof v === 'object' && v !== null ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, sorted(x)])) : v);
    expect(scriptSha256).toBe(createHash('sha256').update(JSON.stringify(sorted(script))).digest('hex'));
  });

  it('gives the same hash whatever the key order, and another hash for one changed word', () => {
    const script = fixtureScript();
    const reversed = JSON.parse(JSON.stringify(script, (_k, v: unknown) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v)));
    expect(validateScript(reversed).scriptSha256).toBe(validateScript(script).scriptSha256);
    const changed = broken((s) => { s.steps[3].instruction = 'Generate the key!'; });
    expect(validateScript(changed).scriptSha256).not.toBe(validateScript(script).scriptSha256);
  });

  it('refuses with KeyriteError CEREMONY_SCRIPT_INVALID carrying every problem', () => {
    const value = broken((s) => {
      s.steps[3].params.key = 'nope';
      s.sharePolicies[0].threshold = 4;
    });
    let caught: unknown;
    try {
      validateScript(value, { source: 'x.yaml' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(KeyriteError);
    expect(caught).toBeInstanceOf(ScriptInvalidError);
    const error = caught as ScriptInvalidError;
    expect(error.code).toBe('CEREMONY_SCRIPT_INVALID');
    expect(error.problems.map((p) => p.path).sort()).toEqual(['sharePolicies[0].threshold', 'steps[3].params.key']);
    expect(error.message).toContain('x.yaml has 2 errors');
  });

  it.each<[string, (s: Json) => void, string, RegExp]>([
    ['a duplicate step id', (s) => { s.steps[2].id = 'enrol'; }, 'steps[2].id', /step id 'enrol' is used twice/],
    ['a step naming an unknown key', (s) => { s.steps[3].params.key = 'other'; }, 'steps[3].params.key', /no key named 'other'/],
    ['a step naming an unknown HSM', (s) => { s.steps[2].params.hsm = 'backup'; }, 'steps[2].params.hsm', /no HSM target 'backup'/],
    ['a step naming an unknown share policy', (s) => { s.steps[4].params.sharePolicy = 'x'; }, 'steps[4].params.sharePolicy', /no share policy 'x'/],
    ['a share policy naming an unknown key', (s) => { s.sharePolicies[0].key = 'x'; }, 'sharePolicies[0].key', /no key named 'x'/],
    ['a sign-off needing more people than a role allows', (s) => { s.steps[4].signOff[0].count = 4; }, 'steps[4].signOff[0].count', /more people than the roles allow/],
    ['two requirements sharing a role beyond its max', (s) => { s.steps[3].approval = [{ roles: ['witness'], count: 2 }, { roles: ['witness'], count: 2 }]; }, 'steps[3].approval[1].count', /2 distinct people in role witness and 2 distinct people in role witness/],
    ['a sign-off by a role that may have nobody', (s) => { s.roles.custodian = { min: 0, max: 0 }; s.sharePolicies = []; s.steps.splice(4, 1); s.steps[3].approval = [{ roles: ['custodian'], count: 1 }]; }, 'steps[3].approval[0].count', /in role custodian/],
    ['threshold above total', (s) => { s.sharePolicies[0].threshold = 4; }, 'sharePolicies[0].threshold', /threshold \(4\) is more than total \(3\)/],
    ['total differing from the custodian list', (s) => { s.sharePolicies[0].custodians = ['a', 'b']; }, 'sharePolicies[0].total', /differs from the number of custodians/],
    ['more shares than custodians may enrol', (s) => { s.sharePolicies[0].total = 4; }, 'sharePolicies[0].total', /roles.custodian.max is 3/],
    ['a split of an asymmetric key', (s) => { s.keys[0].type = 'ed25519'; s.keys[0].usages = ['sign']; }, 'sharePolicies[0].key', /only a secret key/],
    ['a usage the key type lacks', (s) => { s.keys[0].type = 'ec-p256'; s.keys[0].usages = ['wrap']; }, 'keys[0].usages[0]', /cannot be used to wrap/],
    ['a value read aloud that the action does not produce', (s) => { s.steps[3].readAloud = ['checkValue']; }, 'steps[3].readAloud[0]', /no result value 'checkValue'/],
    ['an HSM used before logging in', (s) => { s.steps.splice(2, 1); }, 'steps[2].params.hsm', /before an hsm.login/],
    ['a production script that only warns about the network', (s) => { s.metadata.mode = 'production'; }, 'metadata.airGap', /must enforce/],
    ['roles with min above max', (s) => { s.roles.witness.min = 4; }, 'roles.witness.min', /min \(4\) is more than max \(3\)/],
    ['an exception quorum above the witnesses sure to come', (s) => { s.exceptionQuorum.witnesses = 3; }, 'exceptionQuorum.witnesses', /only 2 are sure/],
    ['no enrolment step', (s) => { s.steps.splice(1, 1); }, 'steps', /needs one participants.enrol/],
    ['an approval before enrolment', (s) => { s.steps[0].approval = [{ roles: ['witness'], count: 1 }]; }, 'steps[0].approval', /nobody is enrolled yet/],
    ['a pre-flight step after enrolment', (s) => { s.steps.splice(2, 0, { id: 'late', action: 'preflight.clock', params: { maxSkewSeconds: 5 }, title: 'Late', instruction: 'x', onException: 'abort' }); }, 'steps[2].action', /come before participants.enrol/],
    ['close not last', (s) => { s.steps.push(s.steps.splice(4, 1)[0]); }, 'steps[4].action', /must be the last step/],
    ['a diff against a snapshot of another HSM', (s) => { s.hsms.push({ id: 'backup', uri: 'pkcs11:token=b' }); s.steps.splice(3, 0, { id: 'login-b', action: 'hsm.login', params: { hsm: 'backup' }, title: 'b', instruction: 'b', onException: 'abort' }, { id: 'snap', action: 'inventory.snapshot', params: { hsm: 'backup' }, title: 's', instruction: 's', onException: 'abort' }, { id: 'diff', action: 'inventory.diff', params: { hsm: 'primary', before: 'snap', rules: [] }, title: 'd', instruction: 'd', onException: 'abort' }); }, 'steps[5].params.before', /not a snapshot of HSM 'primary'/],
    ['a diff against a later step', (s) => { s.steps.splice(3, 0, { id: 'diff', action: 'inventory.diff', params: { hsm: 'primary', before: 'split', rules: [] }, title: 'd', instruction: 'd', onException: 'abort' }); }, 'steps[3].params.before', /no earlier step 'split'/],
  ])('finds %s', (_name, edit, path, message) => {
    const problems = scriptProblems(broken(edit));
    const found = problems.find((p) => p.path === path);
    expect(found, JSON.stringify(problems)).toBeDefined();
    expect(found?.message).toMatch(message);
  });

  it('reports shape errors and cross-reference errors in one pass', () => {
    const value = broken((s) => {
      s.steps[0].params = { extra: true };
      s.steps[2].onException = 'shrug';
      s.steps[3].params.key = 'nope';
      s.sharePolicies[0].threshold = 4;
      s.metadata.colour = 'blue';
    });
    expect(pathsOf(value).sort()).toEqual(['metadata.colour', 'sharePolicies[0].threshold', 'steps[0].params.extra', 'steps[2].onException', 'steps[3].params.key'].sort());
  });

  it('does not call a reference dangling when its target is only malformed', () => {
    const value = broken((s) => {
      s.keys[0].usages = 'wrap';
    });
    expect(pathsOf(value)).toEqual(['keys[0].usages']);
  });

  it('refuses an unknown action naming the allowed set, and a non-object', () => {
    const problems = scriptProblems(broken((s) => { s.steps[2].action = 'hsm.format'; }));
    expect(problems[0]?.path).toBe('steps[2].action');
    expect(problems[0]?.message).toContain('hsm.login');
    expect(pathsOf(42)).toEqual(['']);
  });
});

describe('sign-off feasibility (Hall condition) agrees with a brute-force assignment', () => {
  /** Tries every way of giving each person to one requirement. */
  function bruteForce(requirements: readonly SignOffRequirement[], people: readonly SigningRole[]): boolean {
    const need = requirements.map((r) => r.count);
    const go = (i: number): boolean => {
      if (need.every((n) => n <= 0)) return true;
      if (i === people.length) return false;
      for (let r = 0; r < requirements.length; r++) {
        if ((need[r] ?? 0) > 0 && requirements[r]?.roles.includes(people[i] as SigningRole)) {
          need[r] = (need[r] ?? 0) - 1;
          if (go(i + 1)) return true;
          need[r] = (need[r] ?? 0) + 1;
        }
      }
      return go(i + 1);
    };
    return go(0);
  }
  const role = fc.constantFrom(...SIGNING_ROLES);
  const requirement = fc.record({ roles: fc.uniqueArray(role, { minLength: 1, maxLength: 3 }), count: fc.integer({ min: 1, max: 3 }) });

  it('for every requirement list and crowd', () => {
    fc.assert(
      fc.property(fc.array(requirement, { minLength: 1, maxLength: 4 }), fc.array(role, { maxLength: 7 }), (requirements, people) => {
        const perRole: Partial<Record<SigningRole, number>> = {};
        for (const p of people) perRole[p] = (perRole[p] ?? 0) + 1;
        expect(requirementsMet(requirements, perRole)).toBe(bruteForce(requirements, people));
      }),
      { numRuns: 300 },
    );
  });
});
