/**
 * Role separation explained before it is refused: the enrolment form's
 * check gives the engine's own answer (shared/ceremony/participants.ts,
 * checkEnrolment) for any enrolled cast and any candidate, and the form
 * marks a full role in the list and explains it beside the field.
 */
import fc from 'fast-check';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { checkEnrolment, type ParticipantRecord } from '../../../shared/ceremony/participants.ts';
import { fixtureScript } from '../../../shared/ceremony/script-fixture.ts';
import { CeremonyRefusal } from '../../../shared/ceremony/refusal.ts';
import type { CeremonySession } from '../../store/ceremony-slice.ts';
import { EnrolForm, enrolmentProblem } from './enrol-form.tsx';

const script = fixtureScript();
const ROLES = ['administrator', 'custodian', 'witness', 'observer'] as const;
type Role = (typeof ROLES)[number];

/** What the view tells the screen (ceremony-view.ts): the cast's limits and who is enrolled. */
const viewOf = (enrolled: readonly ParticipantRecord[]): Pick<CeremonySession, 'roles' | 'participants'> => ({
  roles: ROLES.map((role) => ({ role, min: script.roles[role]?.min ?? 0, max: script.roles[role]?.max ?? 0, enrolled: enrolled.filter((p) => p.role === role).length })),
  participants: enrolled.map((p) => ({ id: p.id, name: p.name, role: p.role })),
});

function engineSays(enrolled: readonly ParticipantRecord[], candidate: ParticipantRecord): string | null {
  try {
    checkEnrolment(script, enrolled, candidate);
    return null;
  } catch (error) {
    if (error instanceof CeremonyRefusal) return error.code;
    throw error;
  }
}

// Few ids and names (with case, accent and spacing variants) so clashes are common.
const person = fc.record({
  id: fc.constantFrom('ada', 'cy', 'wendy', 'will'),
  name: fc.constantFrom('Ada Admin', 'ada  admin', 'Adá Admin', 'Cy Custodian', 'Wendy Witness', 'WENDY WITNESS', 'Will Witness'),
  role: fc.constantFrom<Role>(...ROLES),
});

describe('enrolment: role separation explained before submit', () => {
  it("gives the engine's answer for any cast and candidate (same id or name, one role per person, full roles)", () => {
    fc.assert(
      fc.property(fc.array(person, { maxLength: 6 }), person, (people, candidate) => {
        // The cast as the engine would have let it in, each with their own key (the screen never sees keys).
        const enrolled: ParticipantRecord[] = [];
        for (const [i, p] of people.entries()) {
          const record = { ...p, publicKey: i.toString(16).padStart(64, '0') };
          if (engineSays(enrolled, record) === null) enrolled.push(record);
        }
        const expected = engineSays(enrolled, { ...candidate, publicKey: 'f'.repeat(64) });
        expect(enrolmentProblem(viewOf(enrolled), candidate)?.code ?? null).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('names the person and the rule in words', () => {
    const ada: ParticipantRecord = { id: 'ada', name: 'Ada Admin', role: 'administrator', publicKey: '0'.repeat(64) };
    expect(enrolmentProblem(viewOf([ada]), { id: 'ann', name: 'Ann', role: 'administrator' })?.message).toBe(
      'The administrator role is full: the script allows at most 1 administrator and 1 is enrolled (Ada Admin). Choose another role.',
    );
    expect(enrolmentProblem(viewOf([ada]), { id: 'x', name: 'ADA admin', role: 'witness' })).toEqual({
      code: 'CEREMONY_ROLE_SEPARATION', field: 'name', message: 'Ada Admin (ada) is already enrolled as administrator: one person holds one role, so Keyrite would refuse this enrolment.',
    });
    const cy: ParticipantRecord = { id: 'cy', name: 'Cy Custodian', role: 'custodian', publicKey: '1'.repeat(64) };
    expect(enrolmentProblem(viewOf([cy]), { id: 'cy', name: 'Someone', role: 'witness' })?.message).toContain('no one is custodian and witness in one ceremony');
    expect(enrolmentProblem(viewOf([ada]), { id: '', name: '', role: 'witness' })).toBeNull();
  });

  it('marks a full role in the list and explains it beside the role field before submit', () => {
    const ada: ParticipantRecord = { id: 'ada', name: 'Ada Admin', role: 'administrator', publicKey: '0'.repeat(64) };
    const session = { ...viewOf([ada]), ceremonyId: 'c', scriptId: 's', title: 't', mode: 'rehearsal', status: 'running', steps: [], preflight: [], current: null, request: null, lastRefusal: null, failure: null, resumed: null, bundle: null } satisfies CeremonySession;
    const html = renderToStaticMarkup(<EnrolForm request={{ kind: 'participant', id: 1, step: 'enrol', enrolled: 1, shortfalls: [] }} session={session} />);
    expect(html).toContain('label="administrator (full)"');
    expect(html).toContain('label="witness"');
  });
});
