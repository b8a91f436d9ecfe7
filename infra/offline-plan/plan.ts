import type { Catalog } from '@msa/catalog';
import { captureStack, settle } from './capture.ts';
import { mockId } from './mocks.ts';
import { keySettings, shortType } from './settings.ts';

export interface PlanRow {
  /** The catalog service the resource belongs to, or `platform`. */
  owner: string;
  kind: string;
  /** The resource's name without the stack prefix, so rows line up across stacks. */
  name: string;
  settings: Record<string, string | number | boolean>;
}

export interface StackPlan {
  stack: string;
  rows: PlanRow[];
  /** Catalog services left out of the stack for want of a release, each with how it gets there. */
  unreleased: Record<string, string>;
}

/** What a stack would have, from the real program under mocks: no cloud, no credentials, no state. */
export async function planStack(stack: string, root: string, catalog: Catalog): Promise<StackPlan> {
  const capture = await captureStack(stack, { root });
  if (capture.error) throw capture.error;
  const prefix = `${stack}-`;
  const local = (name: string) => (name.startsWith(prefix) ? name.slice(prefix.length) : name);
  const names = new Map(capture.resources.map((r) => [mockId(r.type, r.name), local(r.name)]));
  const nameOf = (id: string) => names.get(id) ?? id.split(prefix).join('');
  const services = new Set(catalog.services.map((s) => s.name));
  const rows = capture.resources
    .filter((r) => !r.type.startsWith('msa:'))
    .map((r) => {
      const name = local(r.name);
      const first = name.split('-')[0] ?? '';
      const owner = services.has(first) ? first : 'platform';
      return { owner, kind: shortType(r.type), name, settings: keySettings(r, nameOf) };
    })
    .sort((a, b) => a.owner.localeCompare(b.owner) || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
  const outputs = (await settle(capture.outputs ?? {})) as { unreleased?: Record<string, string> };
  return { stack, rows, unreleased: outputs.unreleased ?? {} };
}

export interface PlanDiff {
  from: string;
  to: string;
  onlyFrom: PlanRow[];
  onlyTo: PlanRow[];
  changed: { row: PlanRow; changes: { key: string; from: unknown; to: unknown }[] }[];
  same: number;
}

/** Resources matched by owner, kind and stack-independent name; settings compared key by key. */
export function diffPlans(a: StackPlan, b: StackPlan): PlanDiff {
  const id = (r: PlanRow) => `${r.owner} ${r.kind} ${r.name}`;
  const inB = new Map(b.rows.map((r) => [id(r), r]));
  const inA = new Map(a.rows.map((r) => [id(r), r]));
  const diff: PlanDiff = { from: a.stack, to: b.stack, onlyFrom: [], onlyTo: [], changed: [], same: 0 };
  for (const row of a.rows) {
    const other = inB.get(id(row));
    if (!other) {
      diff.onlyFrom.push(row);
      continue;
    }
    const keys = [...new Set([...Object.keys(row.settings), ...Object.keys(other.settings)])];
    const changes = keys.filter((k) => row.settings[k] !== other.settings[k]).map((k) => ({ key: k, from: row.settings[k], to: other.settings[k] }));
    if (changes.length) diff.changed.push({ row, changes });
    else diff.same += 1;
  }
  diff.onlyTo = b.rows.filter((r) => !inA.has(id(r)));
  return diff;
}
