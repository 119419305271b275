/**
 * The session's audit events as the live timeline shows them. The signed,
 * hash-linked ceremony transcript (docs/formats/transcript.md) is built on
 * the same stream; this is its in-memory view.
 */
import type { AuditEvent } from '../../shared/contract.ts';

export class AuditLog {
  readonly #events: AuditEvent[] = [];
  readonly #publish: (event: AuditEvent) => void;

  constructor(publish: (event: AuditEvent) => void) {
    this.#publish = publish;
  }

  record(type: string, summary: string): AuditEvent {
    const event: AuditEvent = { seq: this.#events.length, at: new Date().toISOString(), type, summary: summary.slice(0, 512) };
    this.#events.push(event);
    this.#publish(event);
    return event;
  }

  get events(): readonly AuditEvent[] {
    return this.#events;
  }
}
