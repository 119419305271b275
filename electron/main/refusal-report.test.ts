import { describe, expect, it, vi } from 'vitest';
import { BoundaryRefusal, type KeyriteEvent } from '../../shared/contract.ts';
import { AuditLog } from '../core/audit-log.ts';
import { createRefusalReporter, ipcRefusal } from './refusal-report.ts';

describe('refusal reporter', () => {
  it('records an audit event and emits boundary/refused', () => {
    const emitted: KeyriteEvent[] = [];
    const emit = vi.fn((event: KeyriteEvent) => emitted.push(event));
    const audit = new AuditLog((event) => emit({ name: 'audit/recorded', payload: event }));
    const report = createRefusalReporter({ audit, emit });
    report({ kind: 'network', target: 'https://example.com/', reason: 'request cancelled: offline' });
    expect(audit.events).toEqual([expect.objectContaining({ type: 'boundary.refused', summary: expect.stringContaining('https://example.com/') })]);
    expect(emitted.map((event) => event.name)).toEqual(['audit/recorded', 'boundary/refused']);
    expect(emitted[1]?.payload).toEqual({ kind: 'network', target: 'https://example.com/', reason: 'request cancelled: offline' });
  });

  it('turns a router refusal into a contract-valid ipc refusal, clipped to the schema limits', () => {
    const refusal = ipcRefusal({ command: 'x'.repeat(5000), code: 'BOUNDARY_UNKNOWN_COMMAND', reason: 'r'.repeat(1000) });
    expect(BoundaryRefusal.parse(refusal)).toEqual(refusal);
    expect(refusal.kind).toBe('ipc');
    expect(refusal.reason.startsWith('BOUNDARY_UNKNOWN_COMMAND: ')).toBe(true);
  });
});
