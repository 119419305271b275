import type { CeremonySession } from '../../store/ceremony-slice.ts';
import { EnrolForm } from './enrol-form.tsx';
import { SealPassphraseForm, ShareForm, ShareMediumForm } from './share-forms.tsx';
import { SignOffForm } from './sign-off-form.tsx';
import { CustodySerialForm, PinForm, PreviousBundleForm, WitnessTimeForm } from './simple-requests.tsx';
import { WorkProgress } from './work-progress.tsx';

/** The one thing the engine waits for now; each form is keyed by the request, so a new question starts clean and focused. */
function Form({ session }: { session: CeremonySession }) {
  const request = session.request;
  if (request === null) return <WorkProgress />;
  switch (request.kind) {
    case 'participant':
      return <EnrolForm key={request.id} request={request} session={session} />;
    case 'signer':
      return <SignOffForm key={request.id} request={request} session={session} />;
    case 'pin':
      return <PinForm key={request.id} request={request} />;
    case 'witness-time':
      return <WitnessTimeForm key={request.id} request={request} />;
    case 'custody-serial':
      return <CustodySerialForm key={request.id} request={request} />;
    case 'seal-passphrase':
      return <SealPassphraseForm key={request.id} request={request} />;
    case 'share-medium':
      return <ShareMediumForm key={request.id} request={request} />;
    case 'share':
      return <ShareForm key={request.id} request={request} session={session} />;
    case 'previous-bundle':
      return <PreviousBundleForm key={request.id} request={request} />;
  }
}

/** What each kind of question asks for, in words: with the question's number, the panel's accessible name. */
const ASKS: Record<NonNullable<CeremonySession['request']>['kind'], string> = {
  participant: 'enrol a participant',
  signer: 'a signature',
  pin: 'an HSM PIN',
  'witness-time': "the witness's time",
  'custody-serial': 'a serial number',
  'seal-passphrase': 'a share passphrase',
  'share-medium': 'where to write a share',
  share: 'a share',
  'previous-bundle': 'the earlier ceremony',
};

/**
 * The panel is a region named by the question (its number, which changes
 * when the engine asks again, and what it asks for), so a person with a
 * screen reader, and a QA engineer's script, can tell a new question from
 * the last one. The data attributes stay for older specs.
 */
export function RequestPanel({ session }: { session: CeremonySession }) {
  const request = session.request;
  const name = request === null ? 'Keyrite is working' : `Question ${request.id}: ${ASKS[request.kind]}`;
  return (
    <section className="request-panel panel" aria-label={name} data-request-kind={request?.kind ?? 'none'} data-request-id={request?.id ?? 0}>
      <Form session={session} />
    </section>
  );
}
