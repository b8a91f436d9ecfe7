import type { PlanDiff, PlanRow, StackPlan } from './plan.ts';

const settingsText = (s: PlanRow['settings']) => Object.entries(s).map(([k, v]) => `${k}=${v}`).join('  ');

function table(rows: string[][]): string[] {
  const widths = rows.reduce<number[]>((w, r) => r.map((c, i) => Math.max(w[i] ?? 0, c.length)), []);
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd());
}

export function renderPlan(plan: StackPlan): string {
  const lines = [`Stack ${plan.stack}: ${plan.rows.length} resources (planned offline under mocks)`];
  for (const owner of [...new Set(plan.rows.map((r) => r.owner))]) {
    const rows = plan.rows.filter((r) => r.owner === owner);
    lines.push('', `${owner} (${rows.length})`);
    lines.push(...table(rows.map((r) => ['  ' + r.kind, r.name, settingsText(r.settings)])));
  }
  const left = Object.entries(plan.unreleased ?? {});
  if (left.length) lines.push('', `left out (${left.length})`, ...left.map(([service, why]) => `  ${service}: ${why}`));
  return lines.join('\n');
}

export function renderDiff(d: PlanDiff): string {
  const lines = [`Diff ${d.from} -> ${d.to}: ${d.same} alike, ${d.changed.length} differ, ${d.onlyFrom.length} only in ${d.from}, ${d.onlyTo.length} only in ${d.to}`];
  if (d.changed.length) {
    lines.push('', 'differ:');
    lines.push(...table(d.changed.map(({ row, changes }) => [
      `  ~ ${row.owner}`, row.kind, row.name, changes.map((c) => `${c.key}: ${c.from ?? '-'} -> ${c.to ?? '-'}`).join('; '),
    ])));
  }
  for (const [label, rows, mark] of [[`only in ${d.from}:`, d.onlyFrom, '-'], [`only in ${d.to}:`, d.onlyTo, '+']] as const) {
    if (!rows.length) continue;
    lines.push('', label, ...table(rows.map((r) => [`  ${mark} ${r.owner}`, r.kind, r.name, settingsText(r.settings)])));
  }
  return lines.join('\n');
}
