import { describe, expect, it } from 'vitest';
import { checkOutgoingEvent } from './outgoing-event.ts';
import { SecretBytes } from '../../shared/secret-bytes.ts';
import type { KeyriteEvent } from '../../shared/contract.ts';

const audit = { seq: 3, at: '2026-11-28T10:00:00.000Z', type: 'hsm.module-loaded', summary: 'loaded' };

describe('checkOutgoingEvent', () => {
  it('passes an event that matches its schema', () => {
    expect(checkOutgoingEvent({ name: 'audit/recorded', payload: audit })).toEqual({ name: 'audit/recorded', payload: audit });
  });

  it('refuses an event carrying a secret', () => {
    const event = { name: 'audit/recorded', payload: { ...audit, summary: new SecretBytes(new Uint8Array([1])) } } as unknown as KeyriteEvent;
    expect(() => checkOutgoingEvent(event)).toThrow(/held a secret at \$\.summary/u);
  });

  it('refuses an event outside the contract', () => {
    const event = { name: 'audit/recorded', payload: { ...audit, seq: -1 } } as KeyriteEvent;
    expect(() => checkOutgoingEvent(event)).toThrow(/outside the contract/u);
    const extra = { name: 'audit/recorded', payload: { ...audit, pin: '1234' } } as unknown as KeyriteEvent;
    expect(() => checkOutgoingEvent(extra)).toThrow(/outside the contract/u);
  });
});
