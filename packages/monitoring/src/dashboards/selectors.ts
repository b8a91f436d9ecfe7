import type { Catalog } from '@msa/catalog';
import { CustomVariableBuilder } from '@grafana/grafana-foundation-sdk/dashboard';

// A regex metacharacter needs a backslash, and a PromQL string needs that backslash doubled.
export const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&');


/** A `service` variable whose values are the catalog's services, so a new service folder shows up by itself. */
export function serviceVariable(catalog: Catalog, opts: { all: boolean }) {
  const names = catalog.services.map((s) => s.name);
  const first = opts.all ? { text: 'All', value: '$__all' } : { text: names[0] ?? '', value: names[0] ?? '' };
  const v = new CustomVariableBuilder('service').label('Service').values(names.join(',')).current(first);
  return opts.all ? v.includeAll(true).multi(true).allValue('.+') : v;
}
