/**
 * hsm.login: the administrator's PIN (typed, or from the answers file; SecretBytes,
 * wiped by the HSM layer on every path) opens a user session. The result is
 * the token actually logged in to, for the witnesses to compare with the
 * script; the rehearsal mapping is in the transcript's opening events.
 */
import { sessionFor, type ActionHandler } from '../runner/context.ts';
import { untilAccepted } from '../runner/inputs.ts';
import { recordRefusedInput } from '../runner/sign-stage.ts';

export const hsmLogin: ActionHandler<'hsm.login'> = async (ctx, step) => {
  const session = await sessionFor(ctx, step.params.hsm);
  // A mistyped PIN is asked again (people at the screen); the HSM counts the attempts, and an exhausted PIN ends the run.
  await untilAccepted(ctx.inputs, step, (code, message) => recordRefusedInput(ctx, step, code, message), async () => {
    const pin = await ctx.inputs.pin({ step, hsm: step.params.hsm });
    await session.login('user', pin);
  });
  return { result: { tokenSerial: session.token.serial, tokenLabel: session.token.label } };
};
