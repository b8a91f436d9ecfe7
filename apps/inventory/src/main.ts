import { runService } from '@msa/service-kit';
import { inventoryService } from './service.ts';

await runService(inventoryService);
