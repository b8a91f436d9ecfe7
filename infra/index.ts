import { runStack } from './src/program.ts';

// Pulumi calls the default export and publishes what it returns as the stack's outputs.
export default () => runStack();
