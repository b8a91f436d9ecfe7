// `npm run build -w @msa/<service>` calls this after the typecheck: node <this> <serviceDir>
import path from 'node:path';
import { buildService } from './build-service.ts';

const dir = path.resolve(process.argv[2] ?? '.');
const built = await buildService(dir);
console.log(`${path.basename(dir)}: ${path.relative(process.cwd(), built.outDir)} ${(built.bytes / 1e6).toFixed(1)} MB ${built.digest}`);
