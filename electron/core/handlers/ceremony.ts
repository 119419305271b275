/** Handlers for the ceremony part of the contract (shared/contract/ceremony.ts). */
import type { EngineServices, HandlersFor } from '../engine-services.ts';

export function ceremonyHandlers(_services: EngineServices): HandlersFor<'ceremony'> {
  return {};
}
