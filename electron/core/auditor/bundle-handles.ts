/**
 * The bundles a person chose in this session, by opaque handle. The renderer
 * only ever holds a handle; the path stays here, in the engine. Bounded, so
 * a renderer asking for dialog after dialog cannot grow memory: the oldest
 * choice is forgotten first.
 */
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import type { BundleHandle, BundleKind, ChosenBundle } from '../../../shared/contract/auditor.ts';
import { KeyriteError } from '../../../shared/result.ts';

export const REMEMBERED_BUNDLES = 16;

export interface BundleChoice<Opened, Opening> {
  readonly handle: BundleHandle;
  readonly path: string;
  readonly kind: BundleKind;
  readonly name: string;
  /** Set once the bundle has been read and verified. */
  opened: Opened | undefined;
  /** Set while an open is running, for cancelOpen. */
  opening: Opening | undefined;
}

export class BundleHandles<Opened, Opening> {
  readonly #choices = new Map<BundleHandle, BundleChoice<Opened, Opening>>();

  remember(path: string, kind: BundleKind): BundleChoice<Opened, Opening> {
    const handle = `bundle-${randomBytes(16).toString('hex')}`;
    const choice: BundleChoice<Opened, Opening> = { handle, path, kind, name: basename(path).slice(0, 255), opened: undefined, opening: undefined };
    this.#choices.set(handle, choice);
    for (const old of this.#choices.keys()) {
      if (this.#choices.size <= REMEMBERED_BUNDLES) break;
      this.#choices.delete(old);
    }
    return choice;
  }

  /** The choice behind a handle; a handle this session never gave out is refused. */
  get(handle: BundleHandle): BundleChoice<Opened, Opening> {
    const choice = this.#choices.get(handle);
    if (choice === undefined) throw new KeyriteError('AUDITOR_UNKNOWN_BUNDLE', 'That bundle is not open in this session (it may have been closed to make room); choose it again.');
    return choice;
  }
}

export const describeChoice = (choice: BundleChoice<unknown, unknown>): ChosenBundle => ({ handle: choice.handle, name: choice.name, kind: choice.kind });
