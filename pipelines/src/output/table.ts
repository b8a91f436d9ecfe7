import Table from 'cli-table3';

/** A plain table for people reading a terminal or a CI log (no colours, so logs stay readable). */
export function renderTable(head: string[], rows: string[][]): string {
  const table = new Table({ head, style: { head: [], border: [] }, wordWrap: true });
  for (const r of rows) table.push(r);
  return table.toString();
}
