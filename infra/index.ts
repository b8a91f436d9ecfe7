import { runStack, type RunOptions } from './src/program.ts';

// Pulumi calls the default export (without arguments) and publishes what it returns as the stack's outputs.
// Tests and the offline plan call the same entry under mocks.
export default (options?: RunOptions) => runStack(options);
