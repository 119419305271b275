import type { ReactNode } from 'react';

export interface Column<Row> {
  header: string;
  cell: (row: Row) => ReactNode;
  /** The column that names the row (a row header for screen readers). */
  rowHeader?: true;
}

/** A report section: heading, how many of how many are shown, and its table (or a plain "none" line). */
export function ReportTable<Row>({ id, title, rows, total, columns, none }: { id: string; title: string; rows: readonly Row[]; total: number; columns: readonly Column<Row>[]; none: string }) {
  return (
    <section aria-labelledby={`${id}-title`} className="report-section">
      <h2 id={`${id}-title`}>{title}</h2>
      {rows.length === 0 ? (
        <p className="hint">{none}</p>
      ) : (
        <div className="table-scroll">
          <table aria-labelledby={`${id}-title`} className="data-table">
            <thead>
              <tr>
                {columns.map((column) => (
                  <th key={column.header} scope="col">
                    {column.header}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row, index) => (
                <tr key={index}>
                  {columns.map((column) =>
                    column.rowHeader === true ? (
                      <th key={column.header} scope="row">
                        {column.cell(row)}
                      </th>
                    ) : (
                      <td key={column.header}>{column.cell(row)}</td>
                    ),
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {rows.length < total && (
        <p className="hint">
          The first {rows.length.toLocaleString('en')} of {total.toLocaleString('en')} are shown; the exported report lists them all.
        </p>
      )}
    </section>
  );
}
