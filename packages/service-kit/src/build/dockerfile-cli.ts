// `npm run -s dockerfile -- <service>`: prints the service's Dockerfile (see dockerfile.ts).
import { findRepoRoot, loadCatalog } from '@msa/catalog';
import { imageInput, serviceDockerfile } from './dockerfile.ts';

const name = process.argv[2];
const root = findRepoRoot();
const catalog = loadCatalog(root);
if (!name) {
  console.error(`usage: npm run -s dockerfile -- <service>  (one of: ${catalog.services.map((s) => s.name).join(', ')})`);
  process.exit(2);
}
process.stdout.write(serviceDockerfile(imageInput(root, catalog.byName(name))));
