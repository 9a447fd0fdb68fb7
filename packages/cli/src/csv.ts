/**
 * Minimal RFC 4180 CSV: quoted fields (with `""` escapes and embedded newlines), CRLF or LF,
 * an optional UTF-8 BOM. Enough for spreadsheets' "Save as CSV"; no dependency.
 */

/** Parses CSV text into rows of fields. Blank lines are dropped. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRow = () => {
    row.push(field);
    if (!(row.length === 1 && row[0] === '')) rows.push(row);
    row = [];
    field = '';
  };
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') endRow();
    else if (c === '\r') {
      if (text[i + 1] !== '\n') endRow();
    } else field += c;
  }
  if (quoted) throw new Error('CSV: unterminated quoted field');
  if (field !== '' || row.length > 0) endRow();
  return rows;
}

/**
 * Rows as records keyed by the (trimmed, lower-cased) header names. `line` is the 1-based
 * record number after the header, for error reports.
 */
export function csvRecords(text: string): {
  header: string[];
  records: { line: number; values: Record<string, string> }[];
} {
  const [head, ...rest] = parseCsv(text);
  if (!head) return { header: [], records: [] };
  const header = head.map((h) => h.trim().toLowerCase());
  const records = rest.map((cells, i) => {
    const values: Record<string, string> = {};
    header.forEach((h, j) => {
      values[h] = (cells[j] ?? '').trim();
    });
    return { line: i + 1, values };
  });
  return { header, records };
}

/** One CSV line (with `\n`), quoting fields that need it. */
export function csvLine(fields: (string | number | undefined)[]): string {
  return `${fields
    .map((f) => {
      const s = f === undefined ? '' : String(f);
      return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    })
    .join(',')}\n`;
}
