// What code outside the program (the stack driver, the pipeline) may use of infra: the stack config
// schemas and their errors, and the config of a preview stack. No Pulumi SDK behind these.
export { StackConfigError, type ConfigProblem } from './errors.ts';
export { awsStackConfigSchema, type AwsStackConfig } from './aws-schema.ts';
export { localStackConfigSchema, type LocalStackConfig } from '../targets/local/config.ts';
export { previewStackConfig } from './preview.ts';
export { PROTECTED_ENVIRONMENTS, secretsProviderOf } from '../bootstrap/config.ts';
