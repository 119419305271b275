/**
 * The shape of the API the preload exposes on `window.keyrite`, derived
 * from the contract: `api.hsm.listTokens({})` for command `hsm/listTokens`.
 * Pure and shared, so the real preload and the test-only bridge build the
 * very same object.
 */
import type { Result } from './result.ts';
import {
  commandNames,
  type CommandName,
  type KeyriteEvent,
  type RequestOf,
  type ResponseOf,
} from './contract.ts';

type DomainOf<N> = N extends `${infer D}/${string}` ? D : never;
type VerbOf<N, D extends string> = N extends `${D}/${infer V}` ? V : never;

type Fn<N extends CommandName> = (request: RequestOf<N>) => Promise<Result<ResponseOf<N>>>;

export type KeyriteApi = {
  readonly [D in DomainOf<CommandName>]: {
    readonly [N in Extract<CommandName, `${D}/${string}`> as VerbOf<N, D>]: Fn<N>;
  };
} & {
  readonly events: {
    /** Calls `listener` for every event; returns the function that stops it. */
    readonly subscribe: (listener: (event: KeyriteEvent) => void) => () => void;
  };
};

export interface ApiTransport {
  invoke(name: CommandName, request: unknown): Promise<unknown>;
  subscribe(listener: (event: KeyriteEvent) => void): () => void;
}

/** Builds the frozen API object: one function per command, no generic send. */
export function buildKeyriteApi(transport: ApiTransport): KeyriteApi {
  const domains: Record<string, Record<string, (request: unknown) => Promise<unknown>>> = {};
  for (const name of commandNames) {
    const [domain, verb] = name.split('/') as [string, string];
    const group = (domains[domain] ??= {});
    group[verb] = (request: unknown) => transport.invoke(name, request);
  }
  for (const group of Object.values(domains)) Object.freeze(group);
  const events = Object.freeze({ subscribe: (listener: (event: KeyriteEvent) => void) => transport.subscribe(listener) });
  return Object.freeze({ ...domains, events }) as unknown as KeyriteApi;
}
