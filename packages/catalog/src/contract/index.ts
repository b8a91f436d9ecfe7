export * from './names.ts';
export * from './release.ts';
export * from './stacks.ts';
export * from './stack-outputs.ts';
export * from './service-env.ts';
export * from './store.ts';
export * from './events.ts';
