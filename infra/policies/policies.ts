import type { Policies } from '@pulumi/policy';
import { imagesByDigest } from './rules/images-by-digest.ts';
import { noCrossServiceDatabaseAccess } from './rules/no-cross-service-database-access.ts';
import { noMasterCredentialsInPods } from './rules/no-master-credentials-in-pods.ts';
import { noOpenKubernetesApi } from './rules/no-open-kubernetes-api.ts';
import { noPublicDatabase } from './rules/no-public-database.ts';
import { prodDeletionProtection } from './rules/prod-deletion-protection.ts';
import { protectProdData } from './rules/protect-prod-data.ts';
import { storageEncrypted } from './rules/storage-encrypted.ts';

export const policies: Policies = [
  noPublicDatabase, storageEncrypted, prodDeletionProtection, noCrossServiceDatabaseAccess, imagesByDigest,
  protectProdData, noOpenKubernetesApi, noMasterCredentialsInPods,
];
