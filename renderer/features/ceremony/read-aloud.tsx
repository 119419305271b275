import type { ReadAloud } from '../../../shared/contract/ceremony.ts';

/** Hex in groups of four, the way two people compare it aloud. */
const grouped = (hex: string): string => hex.match(/.{1,4}/g)?.join(' ') ?? hex;

/** Values to read aloud: words and hex side by side, or the plain text. */
export function ReadAloudList({ values }: { values: readonly ReadAloud[] }) {
  if (values.length === 0) return null;
  return (
    <dl className="read-aloud">
      {values.map((v) => (
        <div key={v.name} className="read-aloud-item">
          <dt>{v.name}</dt>
          <dd>
            {v.words !== null && <span className="words">{v.words.join(' ')}</span>}
            {v.hex !== null && <span className="mono">{grouped(v.hex)}</span>}
            {v.text !== null && <span>{v.text}</span>}
          </dd>
        </div>
      ))}
    </dl>
  );
}
