import path from 'node:path';
import { loadCatalog } from '@msa/catalog';
import { buildService } from '@msa/service-kit/build';

/** Builds every catalog service once, before any test file starts one (they run the built bundle). */
export default async function setup(): Promise<void> {
  const root = import.meta.dirname;
  for (const s of loadCatalog(root).services) await buildService(path.join(root, 'apps', s.name));
}
