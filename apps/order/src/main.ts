import { runService } from '@msa/service-kit';
import { orderService } from './service.ts';

await runService(orderService);
