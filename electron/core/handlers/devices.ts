/** Handlers for the devices part of the contract (shared/contract/devices.ts). */
import type { EngineServices, HandlersFor } from '../engine-services.ts';

export function devicesHandlers(_services: EngineServices): HandlersFor<'devices'> {
  return {};
}
