import { describe, expect, it } from 'vitest';
import { CLOUD_STACKS, capture } from './support.ts';
import { driftArgs, SECRET_HOLDING_TYPES, SECRETS_NEVER_READ_BACK } from '../../pipelines/src/commands/drift.ts';

describe('the nightly drift check reads no secret', () => {
  it.each(CLOUD_STACKS)('%s: every resource type the program gives a secret input is left out of the refresh, or the cloud never returns that secret', async (stack) => {
    const c = await capture(stack);
    if (c.error) throw c.error;
    const withSecrets = [...new Set(c.resources.filter((r) => r.secretPaths.length > 0 && !r.type.startsWith('pulumi:') && !r.type.startsWith('random:')).map((r) => r.type))];
    expect(withSecrets.length).toBeGreaterThan(0);
    for (const type of withSecrets) expect([...SECRET_HOLDING_TYPES, ...Object.keys(SECRETS_NEVER_READ_BACK)], type).toContain(type);
    const args = driftArgs(stack);
    expect(args.slice(0, 3)).toEqual(['refresh', '--preview-only', '--expect-no-changes']);
    for (const type of SECRET_HOLDING_TYPES) expect(args.join(' ')).toContain(`--exclude **${type}::**`);
  });
});
