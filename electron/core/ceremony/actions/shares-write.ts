/**
 * shares.write: each sealed share, armoured, to its custodian's medium. In a
 * rehearsal the medium defaults to the folder <out>/media/<custodian>/; at
 * the screen the custodian chooses it from the detected media. The shares
 * module's writer refuses to clobber, fsyncs and reads back. The file is
 * read again here and compared byte for byte before the step reports it.
 * Beside it goes the share's paper form, a PDF the engine makes
 * (shares/paper-form-pdf.ts) and writes through the same verified writer:
 * the screen only ever learns that both were written and verified.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { KeyriteError } from '../../../../shared/result.ts';
import { writeFileToFolder } from '../../devices/index.ts';
import { readShareFile, shareFileName, toArmour, writeShareFile } from '../../shares/index.ts';
import { paperFormPdf } from '../../shares/paper-form-pdf.ts';
import { keySpecOf } from './hsm-generate-key.ts';
import { policyOf } from './share-policy.ts';
import type { ActionHandler } from '../runner/context.ts';

export const sharesWrite: ActionHandler<'shares.write'> = async (ctx, step) => {
  const set = ctx.shareSets.get(step.params.sharePolicy);
  if (set === undefined) throw new KeyriteError('CEREMONY_SHARES_MISSING', `No shares of policy '${step.params.sharePolicy}' were made in this run.`);
  const keyLabel = keySpecOf(ctx, policyOf(ctx, step.params.sharePolicy).key).label;
  const written = [];
  for (const share of set.shares) {
    const chosen = await ctx.inputs.shareMedium({ step, custodian: share.custodian });
    const folder = chosen ?? join(ctx.outFolder, 'media', share.custodian);
    if (chosen === undefined) mkdirSync(folder, { recursive: true });
    const name = shareFileName(share);
    const content = new TextEncoder().encode(toArmour(share.envelope));
    const { sha256 } = await writeShareFile(folder, name, content);
    const back = await readShareFile(folder, name);
    const backSha256 = createHash('sha256').update(back).digest('hex');
    if (backSha256 !== sha256) throw new KeyriteError('CEREMONY_READ_BACK_FAILED', `The share written for ${share.custodian} does not read back the same.`);
    const pdfName = name.replace(/\.share$/, '.pdf');
    const pdf = await paperFormPdf(share.envelope, {
      custodianName: ctx.enrolled.get(share.custodian)?.name ?? share.custodian, ceremonyId: set.ceremonyId, keyLabel, setId: set.setId,
      index: share.index, threshold: set.threshold, total: set.total, shareCommitment: share.shareCommitment, createdAt: ctx.now().toISOString(),
    });
    const paper = await writeFileToFolder(folder, pdfName, pdf);
    const prefix = chosen === undefined ? `media/${share.custodian}/` : '';
    written.push({ custodian: share.custodian, index: share.index, file: `${prefix}${name}`, sha256, paperForm: { file: `${prefix}${pdfName}`, sha256: paper.sha256 } });
  }
  return { result: { written, readBack: true } };
};
