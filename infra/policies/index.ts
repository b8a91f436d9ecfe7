import { PolicyPack } from '@pulumi/policy';
import { policies } from './policies.ts';

// `pulumi preview --policy-pack infra/policies` runs this pack against any stack of the program.
new PolicyPack('msa-platform', { policies });
