import type { ReadableDigest } from '../../../shared/contract/auditor.ts';

/** A digest the way it is read aloud and compared: hex in groups of four, then its words. */
export function Digest({ value }: { value: ReadableDigest }) {
  return (
    <span className="digest">
      <span className="mono hex">{value.hexGroups}</span>
      {value.words.length > 0 && <span className="words">{value.words.join(' ')}</span>}
    </span>
  );
}
