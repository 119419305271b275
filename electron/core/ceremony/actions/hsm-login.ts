/**
 * hsm.login: the administrator's PIN (from the answers file, as SecretBytes,
 * wiped by the HSM layer on every path) opens a user session. The result is
 * the token actually logged in to, for the witnesses to compare with the
 * script; the rehearsal mapping is in the transcript's opening events.
 */
import { KeyriteError } from '../../../../shared/result.ts';
import { sessionFor, type ActionHandler } from '../runner/context.ts';
import { takeSecret } from '../runner/answers.ts';

export const hsmLogin: ActionHandler<'hsm.login'> = async (ctx, step) => {
  const text = ctx.answers.pins[step.params.hsm];
  if (text === undefined) throw new KeyriteError('CEREMONY_ANSWER_MISSING', `The answers file gives no PIN for HSM '${step.params.hsm}' (pins.${step.params.hsm}).`);
  const session = await sessionFor(ctx, step.params.hsm);
  await session.login('user', takeSecret(text));
  return { result: { tokenSerial: session.token.serial, tokenLabel: session.token.label } };
};
