// Rows as a plain text table with left-aligned columns, as kubectl prints them.

export function table(rows: (string | number)[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => String(r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => String(c).padEnd(widths[i]! + 2)).join('').trimEnd()).join('\n');
}
