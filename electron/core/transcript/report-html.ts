/** The report as one self-contained HTML page (no scripts, no external resources), printable as is. */
import type { ReportModel } from './report-model.ts';

const escape = (value: string | number): string => String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function table(caption: string, headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  if (rows.length === 0) return `<section><h2>${escape(caption)}</h2><p>None recorded.</p></section>`;
  const head = headers.map((h) => `<th scope="col">${escape(h)}</th>`).join('');
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${escape(cell)}</td>`).join('')}</tr>`).join('\n');
  return `<section><h2>${escape(caption)}</h2><table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></section>`;
}

export function renderReportHtml(model: ReportModel): string {
  const v = model.verification;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escape(model.title)} — ceremony report</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:2em}table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;padding:2px 6px;text-align:left;vertical-align:top}code,.mono{font-family:ui-monospace,monospace;word-break:break-all}.status{font-size:1.3em;font-weight:bold}</style>
</head><body>
<h1>${escape(model.title)}</h1>
<p>Ceremony <code>${escape(model.ceremonyId)}</code>. Report generated ${escape(model.generatedAt)}.</p>
<section><h2>Verification</h2>
<p class="status" data-status="${escape(v.status)}">${escape(v.status.toUpperCase())}</p>
<p>${escape(v.summary)}</p>
<p>${escape(v.eventCount)} events; ${escape(v.signedSize)} covered by signed checkpoints.${v.firstBad === undefined ? '' : ` First problem: ${escape(v.firstBad)}.`}</p>
<p>Final root (SHA-256, RFC 6962):<br><code>${escape(model.rootHex ?? 'none')}</code></p>
<p>As words (BIP-39): <span class="mono">${escape(model.rootWords.join(' '))}</span></p>
</section>
${table('Public keys', ['vkey'], model.keys.map((k) => [k]))}
${table('Checkpoints', ['Size', 'Root', 'Signed by', 'Cosigned by'], model.checkpoints.map((c) => [c.size, c.rootHex, c.signedBy, c.cosigners.join('; ')]))}
${table('Participants', ['Id', 'Name', 'Role'], model.participants.map((p) => [p.id, p.name, p.role]))}
${table('Keys created', ['Label', 'Algorithm', 'Fingerprint', 'Check value', 'Token'], model.keysCreated.map((k) => [k.label, k.algorithm, k.fingerprint, k.checkValue, k.token]))}
${table('Share sets issued', ['Id', 'Key', 'Policy', 'Commitment', 'Custodians'], model.shareSets.map((s) => [s.id, s.keyLabel, s.policy, s.commitment, s.custodians]))}
${table('Sign-offs', ['Event', 'Time (UTC)', 'Witness', 'Step', 'Statement'], model.signOffs.map((s) => [s.seq, s.at, s.witness, s.step, s.statement]))}
${table('Exceptions', ['Event', 'Time (UTC)', 'Description', 'Decision'], model.exceptions.map((e) => [e.seq, e.at, e.description, e.decision]))}
${table('Timeline', ['#', 'Time (UTC)', 'Type', 'Actors', 'Step', 'Details'], model.timeline.map((t) => [t.seq, t.at, t.type, t.actors, t.step, t.summary]))}
${model.timelineOmitted > 0 ? `<p>${escape(model.timelineOmitted)} further events are in transcript.jsonl.</p>` : ''}
</body></html>
`;
}
