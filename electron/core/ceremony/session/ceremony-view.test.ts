/**
 * What the screen is told must sign: the step's stage requirements, or,
 * while people sign an exception they raised, the exception's quorum (the
 * administrator and the script's exceptionQuorum.witnesses) with who has
 * signed it so far, so the sign-off dialog can say who is still needed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PendingRequest } from '../../../../shared/contract/ceremony.ts';
import { startCeremony, type CeremonyState } from '../../../../shared/ceremony/index.ts';
import type { ParticipantRecord } from '../../../../shared/ceremony/participants.ts';
import { fixtureScript } from '../../../../shared/ceremony/script-fixture.ts';
import { buildView, type ViewInputs } from './ceremony-view.ts';

const KEY = 'ab'.repeat(32);
const people: ParticipantRecord[] = [
  { id: 'ada', name: 'Ada Admin', role: 'administrator', publicKey: KEY },
  { id: 'cy', name: 'Cy Custodian', role: 'custodian', publicKey: KEY },
  { id: 'wendy', name: 'Wendy Witness', role: 'witness', publicKey: KEY },
  { id: 'will', name: 'Will Witness', role: 'witness', publicKey: KEY },
  { id: 'olly', name: 'Olly Observer', role: 'observer', publicKey: KEY },
];

/** The fixture script's 'generate' step, waiting for its approval (administrator 1, witness 1). */
function atGenerateApproval(): CeremonyState {
  const start = startCeremony(fixtureScript(), 'a'.repeat(64), '0'.repeat(32));
  return { ...start, stepIndex: 3, stage: 'approval', participants: people };
}

const signerRequest = (stage: 'approval' | 'exception'): PendingRequest => ({ kind: 'signer', id: 7, step: 'generate', stage, contentSha256: null });

function requirementsOf(request: PendingRequest, exceptionSigned?: string[]) {
  const inputs: ViewInputs = { ceremonyId: 'c', state: atGenerateApproval(), request, lastRefusal: null, failure: null, bundle: null, resumed: null, failedStep: null };
  if (exceptionSigned !== undefined) inputs.exceptionSigned = exceptionSigned;
  return buildView(inputs).session?.current?.requirements;
}

describe('the view of who must sign', () => {
  it('shows the step stage requirements for a step sign-off, whatever an earlier exception left', () => {
    expect(requirementsOf(signerRequest('approval'), ['ada'])).toEqual([
      { roles: ['administrator'], count: 1, signed: [] },
      { roles: ['witness'], count: 1, signed: [] },
    ]);
  });

  it("shows the exception's quorum (administrator, and the script's two witnesses) while it is signed, with who signed", () => {
    expect(requirementsOf(signerRequest('exception'))).toEqual([
      { roles: ['administrator'], count: 1, signed: [] },
      { roles: ['witness'], count: 2, signed: [] },
    ]);
    expect(requirementsOf(signerRequest('exception'), ['ada', 'will'])).toEqual([
      { roles: ['administrator'], count: 1, signed: ['ada'] },
      { roles: ['witness'], count: 2, signed: ['will'] },
    ]);
  });

  it('puts each exception signer under the requirement of their role, and no one else anywhere', () => {
    fc.assert(
      fc.property(fc.subarray(people.map((p) => p.id)), (signed) => {
        const requirements = requirementsOf(signerRequest('exception'), signed) ?? [];
        const roleOf = (id: string): string | undefined => people.find((p) => p.id === id)?.role;
        for (const r of requirements) expect(r.signed).toEqual(signed.filter((id) => (r.roles as string[]).includes(roleOf(id) ?? '')));
        expect(requirements.flatMap((r) => r.signed).sort()).toEqual(signed.filter((id) => ['administrator', 'witness'].includes(roleOf(id) ?? '')).sort());
      }),
    );
  });
});
