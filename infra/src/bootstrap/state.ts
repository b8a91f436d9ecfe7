import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { secretsKeyAlias, type BootstrapStackConfig } from './config.ts';

export interface StateStore {
  bucket: aws.s3.Bucket;
  /** Encrypts the secrets of dev, test and the pr-N previews: the keys pull-request jobs may use. */
  nonProdKey: aws.kms.Key;
  /** Encrypts staging's and prod's secrets: only their own deploy roles may use it. */
  protectedKey: aws.kms.Key;
}


/**
 * The Pulumi state bucket (versioned: a bad `up` can be rolled back to an earlier checkpoint; private; TLS only;
 * encrypted) and two KMS keys for the stacks' secrets providers, split so that the key pull requests may use never
 * decrypts staging's or prod's secrets. Everything is `protect`ed: losing it loses every stack.
 */
export function stateStore(config: BootstrapStackConfig, provider: aws.Provider, tags: Record<string, string>): StateStore {
  const opts = { provider, protect: true };
  const key = (tier: 'nonprod' | 'protected') => {
    const k = new aws.kms.Key(`state-${tier}`, {
      description: `Pulumi secrets of the msa ${tier === 'nonprod' ? 'dev, test and pr-N' : 'staging and prod'} stacks`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      tags,
    }, opts);
    new aws.kms.Alias(`state-${tier}`, { name: `alias/${secretsKeyAlias(tier)}`, targetKeyId: k.keyId }, { provider });
    return k;
  };
  const nonProdKey = key('nonprod');
  const protectedKey = key('protected');

  const bucket = new aws.s3.Bucket('state', { bucket: config.stateBucket, forceDestroy: false, tags }, opts);
  new aws.s3.BucketVersioning('state', { bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } }, opts);
  new aws.s3.BucketPublicAccessBlock('state', {
    bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
  }, opts);
  new aws.s3.BucketServerSideEncryptionConfiguration('state', {
    bucket: bucket.id,
    // S3-managed keys: the stacks' secrets inside the state are encrypted again by their tier's KMS key, and a bucket-wide KMS
    // key would make every reader of dev's state a user of the key that also guards prod's objects.
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
  }, opts);
  new aws.s3.BucketPolicy('state', {
    bucket: bucket.id,
    policy: pulumi.jsonStringify({
      Version: '2012-10-17',
      Statement: [{
        Sid: 'TlsOnly', Effect: 'Deny', Principal: '*', Action: 's3:*',
        Resource: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }],
    }),
  }, opts);
  return { bucket, nonProdKey, protectedKey };
}

/**
 * Object keys of one stack in Pulumi's self-managed (DIY) backend layout for a project-scoped stack:
 * .pulumi/stacks/<project>/<stack>.json (+ .bak, .gz), and its locks, history and backups folders.
 */
export function stackObjects(bucketArn: pulumi.Input<string>, stack: string, project = 'msa'): pulumi.Output<string>[] {
  return [
    pulumi.interpolate`${bucketArn}/.pulumi/stacks/${project}/${stack}.json*`,
    pulumi.interpolate`${bucketArn}/.pulumi/locks/${project}/${stack}/*`,
    pulumi.interpolate`${bucketArn}/.pulumi/history/${project}/${stack}/*`,
    pulumi.interpolate`${bucketArn}/.pulumi/backups/${project}/${stack}/*`,
  ];
}

