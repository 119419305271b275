/**
 * The last check before an event leaves for the renderer, shared by the
 * Electron main process and the test-only bridge: the payload must match its
 * schema in the contract and hold no secret. An event that fails is not sent.
 */
import { events, type KeyriteEvent } from '../../shared/contract.ts';
import { KeyriteError } from '../../shared/result.ts';
import { findSecret } from './router.ts';

export function checkOutgoingEvent(event: KeyriteEvent): KeyriteEvent {
  const leak = findSecret(event.payload);
  if (leak !== null) throw new KeyriteError('SECRET_LEAK', `Event ${event.name} held a secret at ${leak}; it was not sent.`);
  const schema = events[event.name];
  const parsed = schema.safeParse(event.payload);
  if (!parsed.success) throw new KeyriteError('BOUNDARY_INVALID_EVENT', `Event ${event.name} is outside the contract; it was not sent.`);
  return { name: event.name, payload: parsed.data } as KeyriteEvent;
}
