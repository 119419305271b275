/**
 * The session's audit events as the live timeline shows them. The signed,
 * hash-linked ceremony transcript (docs/formats/transcript.md) is built on
 * the same stream; this is its in-memory view.
 */
import type { AuditEvent } from '../../shared/contract.ts';

/**
 * How many events stay in memory. A compromised renderer can make the
 * boundary refuse (and record) calls as fast as it likes; memory must not
 * grow with it. Sequence numbers keep counting; the transcript on disk keeps
 * every ceremony event.
 */
export const AUDIT_MEMORY_LIMIT = 1000;

export class AuditLog {
  readonly #events: AuditEvent[] = [];
  #next = 0;
  readonly #publish: (event: AuditEvent) => void;

  constructor(publish: (event: AuditEvent) => void) {
    this.#publish = publish;
  }

  record(type: string, summary: string): AuditEvent {
    const event: AuditEvent = { seq: this.#next++, at: new Date().toISOString(), type, summary: summary.slice(0, 512) };
    this.#events.push(event);
    if (this.#events.length > AUDIT_MEMORY_LIMIT) this.#events.splice(0, this.#events.length - AUDIT_MEMORY_LIMIT);
    this.#publish(event);
    return event;
  }

  get events(): readonly AuditEvent[] {
    return this.#events;
  }
}
