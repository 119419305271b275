/**
 * The only module that touches the preload's API. Everything else in the
 * renderer imports `keyrite` from here, so there is one place to see what
 * the renderer can ask of the engine.
 */
import type { KeyriteApi } from '../shared/api.ts';

declare global {
  interface Window {
    readonly keyrite?: KeyriteApi;
  }
}

export class BridgeMissingError extends Error {
  constructor() {
    super('The Keyrite engine is not connected: this page must be opened by the Keyrite app.');
    this.name = 'BridgeMissingError';
  }
}

export function isBridgeConnected(): boolean {
  return window.keyrite !== undefined;
}

export function getKeyrite(): KeyriteApi {
  const api = window.keyrite;
  if (api === undefined) throw new BridgeMissingError();
  return api;
}
