import { describe, expect, it } from 'vitest';
import { computeAffected } from '../src/affected/affected.ts';
import { buildCommand } from '../src/commands/build.ts';
import { deployCommand } from '../src/commands/deploy.ts';
import { promoteCommand } from '../src/commands/promote.ts';
import { stateOf, useStackFixtures } from './support/stack-fixture.ts';

const { fixture } = useStackFixtures();

describe('adding a service is adding a folder', { timeout: 300_000 }, () => {
  it("the merge of a new service's folder releases it to dev and on, with no hand edit of any stack file", async () => {
    const f = fixture();
    const base = f.repo.head();
    // The pull request: a copied service folder, nothing else.
    f.repo.addService('payment');
    f.repo.write('apps/payment/tsconfig.json', f.repo.read('apps/order/tsconfig.json'));
    f.repo.write('apps/payment/test/main.test.ts', "import { expect, it } from 'vitest';\nimport { name } from '../src/main.ts';\nit('names itself', () => expect(name).toBe('payment'));\n");
    const merged = f.repo.commit('add the payment service');
    const stackFiles = f.repo.git('show', '--name-only', '--format=', merged).split('\n').filter((p) => p.startsWith('Pulumi.'));
    expect(stackFiles).toEqual([]);

    // main's workflow: affected selects it; its release job builds it and deploys it to dev, then promotes.
    const affected = await computeAffected({ root: f.repo.root, base });
    expect(affected.services.map((s) => s.name)).toEqual(['payment']);
    const build = await buildCommand(f.ctx, { service: 'payment' });
    await deployCommand(f.ctx, { service: 'payment', env: 'dev', commit: build.commit });
    await promoteCommand(f.ctx, { service: 'payment', from: 'dev', to: 'test', buildCommit: build.commit });
    for (const stack of ['dev', 'test']) expect((await stateOf(f, stack)).releases.payment?.image, stack).toBe(build.image);
    // main itself gained nothing: release state is on deployments/<stack>.
    expect(f.repo.git('rev-parse', 'main').trim()).toBe(merged);
  });
});
