/** Handlers for the auditor part of the contract (shared/contract/auditor.ts). */
import type { EngineServices, HandlersFor } from '../engine-services.ts';

export function auditorHandlers(_services: EngineServices): HandlersFor<'auditor'> {
  return {};
}
