/**
 * What counts as a failure in the electronegativity scan
 * (scripts/check-electronegativity.ts): any HIGH or MEDIUM finding that is
 * not on the reviewed allowlist, any file the scanner could not parse (it
 * was not checked), and any allowlist entry that no longer matches (a stale
 * exception hides the next real finding). Pure, so it is unit-tested.
 */
export type Severity = 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH';

export interface Finding {
  id: string;
  file: string;
  line: number;
  severity: Severity;
  confidence: string;
  manualReview: boolean;
  description: string;
}

export interface AllowedFinding {
  id: string;
  /** Path relative to the scanned folder. */
  file: string;
  /** Why this is a false positive, as reviewed. */
  reason: string;
}

export interface ScanVerdict {
  failures: Finding[];
  allowed: { finding: Finding; reason: string }[];
  notes: Finding[];
  unusedAllowances: AllowedFinding[];
  ok: boolean;
}

const GATING: ReadonlySet<Severity> = new Set(['HIGH', 'MEDIUM']);

/** Turns one issue object of electronegativity's runner into a Finding. */
export function toFinding(issue: unknown): Finding {
  const record = (issue ?? {}) as Record<string, unknown>;
  const nested = (key: string, field: string): unknown => (record[key] as Record<string, unknown> | undefined)?.[field];
  const severity = String(nested('severity', 'name') ?? 'HIGH').toUpperCase();
  return {
    id: String(record['id'] ?? 'UNKNOWN'),
    file: String(record['file'] ?? 'N/A'),
    line: Number(nested('location', 'line') ?? 0),
    // An unknown severity gates: the scanner must not be able to fail open.
    severity: (['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH'].includes(severity) ? severity : 'HIGH') as Severity,
    confidence: String(nested('confidence', 'name') ?? ''),
    manualReview: record['manualReview'] === true,
    description: String(record['description'] ?? ''),
  };
}

export function judgeScan(findings: readonly Finding[], allowlist: readonly AllowedFinding[], parseErrors: readonly unknown[]): ScanVerdict {
  const used = new Set<AllowedFinding>();
  const failures: Finding[] = [];
  const allowed: ScanVerdict['allowed'] = [];
  const notes: Finding[] = [];
  for (const finding of findings) {
    if (!GATING.has(finding.severity)) {
      notes.push(finding);
      continue;
    }
    const allowance = allowlist.find((entry) => entry.id === finding.id && entry.file === finding.file);
    if (allowance === undefined) {
      failures.push(finding);
    } else {
      used.add(allowance);
      allowed.push({ finding, reason: allowance.reason });
    }
  }
  const unusedAllowances = allowlist.filter((entry) => !used.has(entry));
  return { failures, allowed, notes, unusedAllowances, ok: failures.length === 0 && unusedAllowances.length === 0 && parseErrors.length === 0 };
}
