/**
 * Turns a boundary refusal into what the operator and the auditor see: an
 * audit record (the transcript's live view) and a `boundary/refused` event
 * for the renderer. Pure: takes the two engine members it needs.
 */
import type { BoundaryRefusal } from '../../shared/contract.ts';
import type { Engine } from '../core/engine.ts';
import type { Refusal } from '../ipc/router.ts';

export function createRefusalReporter(engine: Pick<Engine, 'audit' | 'emit'>): (refusal: BoundaryRefusal) => void {
  return (refusal) => {
    engine.audit.record('boundary.refused', `Refused ${refusal.kind} ${refusal.target}: ${refusal.reason}`);
    engine.emit({ name: 'boundary/refused', payload: refusal });
  };
}

/** An IPC refusal from the router, in the contract's BoundaryRefusal shape. */
export function ipcRefusal(refusal: Refusal): BoundaryRefusal {
  return { kind: 'ipc', target: refusal.command.slice(0, 2048), reason: `${refusal.code}: ${refusal.reason}`.slice(0, 512) };
}
