// Child process for journal.test.ts: appends events to the journal in
// argv[2] until killed, printing "ack <seq>" after each append returns
// (that is, after its fsync). Writes to fd 1 synchronously, so an "ack" the
// parent reads was printed after the event was durable.
import { writeSync } from 'node:fs';
import { Journal } from './journal.ts';

const folder = process.argv[2] as string;
const { journal } = Journal.open(folder, 'keyrite.test/crash');
for (let i = 0; ; i++) {
  const event = journal.append({ type: 'step/completed', actors: ['ada'], step: 'crash-test', payload: { note: 'x'.repeat(i % 300), pid: process.pid } });
  writeSync(1, `ack ${event.seq}\n`);
}
