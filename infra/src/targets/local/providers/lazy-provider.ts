import type * as pulumi from '@pulumi/pulumi';

/**
 * A dynamic provider whose code lives in an ordinary TypeScript module.
 *
 * Pulumi serializes a dynamic provider's functions into the state and runs them in a separate
 * Node process. These functions capture only the implementation module's URL and import it on
 * each call, so the implementation may use imports, types and npm packages freely (Node 24
 * strips the types) and the serialized text stays tiny and stable.
 */
export function lazyProvider(implementationUrl: string): pulumi.dynamic.ResourceProvider {
  return {
    check: async (olds, news) => (await import(implementationUrl)).check(olds, news),
    create: async (inputs) => (await import(implementationUrl)).create(inputs),
    diff: async (id, olds, news) => (await import(implementationUrl)).diff(id, olds, news),
    update: async (id, olds, news) => (await import(implementationUrl)).update(id, olds, news),
    delete: async (id, props) => (await import(implementationUrl)).remove(id, props),
    read: async (id, props) => (await import(implementationUrl)).read(id, props),
  };
}
