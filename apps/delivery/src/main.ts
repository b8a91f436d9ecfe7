import { runService } from '@msa/service-kit';
import { deliveryService } from './service.ts';

await runService(deliveryService);
