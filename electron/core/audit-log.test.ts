import { describe, expect, it } from 'vitest';
import { AUDIT_MEMORY_LIMIT, AuditLog } from './audit-log.ts';
import type { AuditEvent } from '../../shared/contract.ts';

describe('AuditLog', () => {
  it('publishes every event with increasing sequence numbers', () => {
    const published: AuditEvent[] = [];
    const log = new AuditLog((e) => published.push(e));
    log.record('a', 'first');
    log.record('b', 'second');
    expect(published.map((e) => [e.seq, e.type, e.summary])).toEqual([[0, 'a', 'first'], [1, 'b', 'second']]);
    expect(log.events).toEqual(published);
  });

  it('keeps memory bounded under a flood of refusals, without reusing sequence numbers', () => {
    const log = new AuditLog(() => undefined);
    for (let i = 0; i < AUDIT_MEMORY_LIMIT * 3; i++) log.record('boundary.refused', `refusal ${i}`);
    expect(log.events).toHaveLength(AUDIT_MEMORY_LIMIT);
    expect(log.events[0]?.seq).toBe(AUDIT_MEMORY_LIMIT * 2);
    expect(log.events.at(-1)?.seq).toBe(AUDIT_MEMORY_LIMIT * 3 - 1);
  });

  it('cuts a summary to what the contract allows', () => {
    const log = new AuditLog(() => undefined);
    expect(log.record('t', 'x'.repeat(2000)).summary).toHaveLength(512);
  });
});
