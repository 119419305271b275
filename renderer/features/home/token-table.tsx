import type { TokenSummary } from '../../../shared/domain/hsm.ts';

const yesNo = (value: boolean): string => (value ? 'yes' : 'no');

/** The PKCS#11 tokens of the configured module, identified by serial and label. */
export function TokenTable({ tokens }: { tokens: readonly TokenSummary[] }) {
  const present = tokens.filter((t) => t.initialized);
  const free = tokens.length - present.length;
  return (
    <>
      <table className="token-table" aria-label="HSM tokens">
        <thead>
          <tr>
            <th scope="col">Label</th>
            <th scope="col">Manufacturer</th>
            <th scope="col">Model</th>
            <th scope="col">Serial</th>
            <th scope="col">Initialised</th>
            <th scope="col">Logged in</th>
          </tr>
        </thead>
        <tbody>
          {present.map((token) => (
            <tr key={`${token.serial}/${token.label}`} data-testid="token-row" data-serial={token.serial}>
              <th scope="row">{token.label}</th>
              <td>{token.manufacturer}</td>
              <td>{token.model}</td>
              <td className="mono">{token.serial}</td>
              <td>{yesNo(token.initialized)}</td>
              <td>{yesNo(token.loggedIn)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {present.length === 0 && <p role="status">No initialised token was found in this module.</p>}
      {free > 0 && <p className="hint">{free === 1 ? 'One empty slot' : `${free} empty slots`} not shown.</p>}
    </>
  );
}
