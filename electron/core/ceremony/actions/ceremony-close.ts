/**
 * ceremony.close: the final checkpoint over every event so far, whose root
 * is the result people sign off (and read aloud as words). The runner then
 * records the close, checkpoints again and has every participant cosign.
 */
import { parseCheckpointText } from '../../../../shared/transcript/checkpoint.ts';
import { parseNote } from '../../../../shared/transcript/note-format.ts';
import { human } from '../../hsm/index.ts';
import type { ActionHandler } from '../runner/context.ts';

export const ceremonyClose: ActionHandler<'ceremony.close'> = async (ctx) => {
  const note = await ctx.journal.checkpoint(ctx.ceremonyKey);
  const parsed = parseNote(note);
  const checkpoint = typeof parsed === 'string' ? parsed : parseCheckpointText(parsed.text);
  if (typeof checkpoint === 'string') throw new Error(`the checkpoint just written does not parse: ${checkpoint}`);
  const root = human(checkpoint.root);
  return { result: { outcome: 'completed', stepsCompleted: ctx.completedSteps, checkpoint: { size: checkpoint.size, root: root.hex, rootWords: root.words } } };
};
