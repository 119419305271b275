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

export function RequestPanel({ session }: { session: CeremonySession }) {
  return (
    <section className="request-panel panel" aria-label="What Keyrite needs now" data-request-kind={session.request?.kind ?? 'none'} data-request-id={session.request?.id ?? 0}>
      <Form session={session} />
    </section>
  );
}
