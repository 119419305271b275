/** A share policy's custodians: the ones it names, or every enrolled custodian (the script format's rule). */
import { KeyriteError } from '../../../../shared/result.ts';
import type { SharePolicy } from '../../../../shared/ceremony/index.ts';
import type { RunContext } from '../runner/context.ts';

export function policyOf(ctx: RunContext, id: string): SharePolicy {
  const policy = ctx.script.sharePolicies.find((p) => p.id === id);
  if (policy === undefined) throw new KeyriteError('CEREMONY_POLICY_MISSING', `Share policy '${id}' is not in the script.`);
  return policy;
}

export function custodiansOf(policy: SharePolicy, enrolled: readonly { id: string; role: string }[]): string[] {
  return policy.custodians ?? enrolled.filter((p) => p.role === 'custodian').map((p) => p.id);
}
