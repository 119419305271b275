import { describe, expect, it } from 'vitest';
import { checkEnrolment, enrolmentShortfalls, type ParticipantRecord } from './participants.ts';
import { fixtureScript } from './script-fixture.ts';

const script = fixtureScript(); // administrator 1..1, custodian 3..3, witness 2..3
let n = 0;
const person = (role: ParticipantRecord['role'], name = `Person ${++n}`, id = `p${n}`): ParticipantRecord => ({ id, name, role, publicKey: n.toString(16).padStart(64, '0') });
const refusal = (enrolled: ParticipantRecord[], candidate: ParticipantRecord): string | undefined => {
  try {
    checkEnrolment(script, enrolled, candidate);
    return undefined;
  } catch (error) {
    return (error as { code: string }).code;
  }
};

describe('enrolment and role separation', () => {
  it('refuses the same person as custodian and witness, by name, id or key', () => {
    const custodian = person('custodian', 'Zoë Ångström');
    expect(refusal([custodian], person('witness', '  zoe   angstrom '))).toBe('CEREMONY_ROLE_SEPARATION');
    expect(refusal([custodian], { ...person('witness'), id: custodian.id })).toBe('CEREMONY_ROLE_SEPARATION');
    expect(refusal([custodian], { ...person('witness'), publicKey: custodian.publicKey })).toBe('CEREMONY_ROLE_SEPARATION');
  });

  it('refuses the same person twice in one role (dual control needs distinct people)', () => {
    const witness = person('witness', 'Ada Lovelace');
    expect(refusal([witness], person('witness', 'ADA LOVELACE'))).toBe('CEREMONY_ALREADY_ENROLLED');
    expect(refusal([witness], { ...person('witness'), publicKey: witness.publicKey })).toBe('CEREMONY_ALREADY_ENROLLED');
    expect(refusal([witness], person('witness', 'Ada King'))).toBeUndefined();
  });

  it('refuses more people than a role allows, and observers beyond their max', () => {
    const admin = person('administrator');
    expect(refusal([admin], person('administrator'))).toBe('CEREMONY_ROLE_FULL');
    expect(refusal([person('observer'), person('observer')], person('observer'))).toBe('CEREMONY_ROLE_FULL');
  });

  it('refuses a malformed record (invisible characters in a name, bad key)', () => {
    expect(refusal([], { ...person('witness'), name: 'Eve\u200b' })).toBe('CEREMONY_INVALID_COMMAND');
    expect(refusal([], { ...person('witness'), publicKey: 'XYZ' })).toBe('CEREMONY_INVALID_COMMAND');
  });

  it('says what is missing before enrolment may close, including listed custodians', () => {
    const everyone = [person('administrator'), person('custodian'), person('custodian'), person('custodian'), person('witness'), person('witness')];
    expect(enrolmentShortfalls(script, everyone)).toEqual([]);
    expect(enrolmentShortfalls(script, everyone.slice(0, 5))).toEqual(['1 more witness (at least 2)']);
    const listed = fixtureScript();
    listed.sharePolicies[0] = { id: 'master-shares', key: 'master', threshold: 2, custodians: ['c1', 'c2', 'c3'] };
    expect(enrolmentShortfalls(listed, everyone)).toEqual(["custodian 'c1' of share policy 'master-shares'", "custodian 'c2' of share policy 'master-shares'", "custodian 'c3' of share policy 'master-shares'"]);
  });
});
