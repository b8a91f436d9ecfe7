import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { settle, type Capture } from '../offline-plan/capture.ts';
import { renderPlan } from '../offline-plan/render.ts';
import { capture, copyCatalog, flatConfig, ROOT, stackConfig } from './support.ts';

const BILLING = `name: billing
team: finance
description: Invoices confirmed orders.
port: 3108
database:
  name: billing_svc
topics:
  produces: [billing.events]
  consumes: [order.events]
scaling:
  minReplicas: 1
  maxReplicas: 2
  cpuTarget: 60
`;

const key = (r: { type: string; name: string }) => `${r.type} ${r.name}`;
const snapshot = (c: Capture) => new Map(c.resources.map((r) => [key(r), JSON.stringify(r.inputs)]));

describe('adding a service is adding a folder', () => {
  it('brings all of the new service\'s resources and changes nothing else', async () => {
    const root = copyCatalog();
    const config = stackConfig('dev') as Record<string, any>;
    const before = await capture('dev', { catalogRoot: root });
    expect(before.error).toBeUndefined();

    mkdirSync(path.join(root, 'apps', 'billing'));
    writeFileSync(path.join(root, 'apps', 'billing', 'service.yaml'), BILLING);
    config['msa:releases'].billing = { version: '0.1.0', image: 'registry.example/billing:0.1.0', commit: 'abcdef1' };
    const after = await capture('dev', { catalogRoot: root, config: flatConfig(config) });
    expect(after.error).toBeUndefined();

    const was = snapshot(before);
    const now = snapshot(after);
    for (const [k, inputs] of was) expect(now.get(k), k).toBe(inputs);
    const added = after.resources.filter((r) => !was.has(key(r)));
    expect(added.every((r) => r.name.includes('billing')), added.map(key).join('\n')).toBe(true);

    const types = added.map((r) => r.type);
    for (const t of [
      'aws:rds/instance:Instance', 'aws:iam/role:Role', 'aws:iam/rolePolicy:RolePolicy',
      'kubernetes:core/v1:Namespace', 'kubernetes:core/v1:ServiceAccount', 'kubernetes:batch/v1:Job', 'kubernetes:apps/v1:Deployment', 'kubernetes:core/v1:Service',
      'kubernetes:autoscaling/v2:HorizontalPodAutoscaler', 'kubernetes:policy/v1:PodDisruptionBudget',
    ]) {
      expect(types.filter((x) => x === t), t).toHaveLength(1);
    }
    expect(types.filter((t) => t === 'aws:ec2/securityGroup:SecurityGroup')).toHaveLength(2);
    // Its app pods and the job that creates its database role: each with its Secret and its SecurityGroupPolicy.
    expect(types.filter((t) => t === 'kubernetes:core/v1:Secret')).toHaveLength(2);
    expect(types.filter((t) => t === 'kubernetes:vpcresources.k8s.aws/v1beta1:SecurityGroupPolicy')).toHaveLength(2);
    // Images live in the shared registry: a new service adds no repository to any environment.
    expect(types.filter((t) => t === 'aws:ecr/repository:Repository')).toEqual([]);
    expect(added.filter((r) => r.type === 'aws:msk/topic:Topic').map((r) => r.inputs.name).sort()).toEqual(['billing.dlq', 'billing.events']);
    const hpa = added.find((r) => r.type === 'kubernetes:autoscaling/v2:HorizontalPodAutoscaler')!;
    expect(hpa.inputs.spec.metrics[0].resource.target.averageUtilization).toBe(60);
    const db = added.find((r) => r.type === 'aws:rds/instance:Instance')!;
    expect(db.inputs).toMatchObject({ dbName: 'billing_svc', tags: { service: 'billing', owner: 'finance', environment: 'dev' } });
    // Ingress and the existing services' access are untouched: billing gets no public endpoint.
    expect(added.some((r) => r.type === 'kubernetes:networking.k8s.io/v1:Ingress')).toBe(false);
  });
});

describe('a service folder with no release yet', () => {
  /** apps/order copied as a new service, as a team would start one: new name, port, database, team and topic. */
  const PAYMENT = readFileSync(path.join(ROOT, 'apps/order/service.yaml'), 'utf8')
    .replace(/^name: order$/m, 'name: payment')
    .replace(/^team: .*$/m, 'team: payments')
    .replace(/^port: \d+$/m, 'port: 3109')
    .replace(/^public: true\n/m, '')
    .replace(/^# What the public ingress routes.*\nhttp:\n  publicPaths: .*\n/m, '')
    .replace(/name: order_svc/, 'name: payment_svc')
    .replace(/produces: \[order\.events\]/, 'produces: [payment.events]');

  it('is left out of every cloud stack, and the plan says how it gets there instead of refusing', async () => {
    const root = copyCatalog();
    mkdirSync(path.join(root, 'apps', 'payment'));
    writeFileSync(path.join(root, 'apps', 'payment', 'service.yaml'), PAYMENT);
    const before = snapshot(await capture('dev'));
    const dev = await capture('dev', { catalogRoot: root });
    expect(dev.error).toBeUndefined();
    // Nothing of it, and nothing else changed: the stack is as it was.
    expect(dev.resources.filter((r) => r.name.includes('payment') && !r.type.startsWith('aws:msk/topic'))).toEqual([]);
    expect(snapshot(dev).size - before.size).toBe(2); // its topics (payment.events, payment.dlq) exist, for consumers released before it
    const outputs = (await settle(dev.outputs)) as { unreleased: Record<string, string>; endpoints: Record<string, string> };
    expect(outputs.endpoints.payment).toBeUndefined();
    expect(outputs.unreleased).toEqual({ payment: "no release in dev yet; left out until main's release workflow deploys the merged folder (pipeline deploy payment --env dev)" });
    const staging = await capture('staging', { catalogRoot: root });
    expect(((await settle(staging.outputs)) as { unreleased: Record<string, string> }).unreleased.payment).toMatch(/passes test and is promoted \(pipeline promote payment --from test --to staging\)/);
    expect(renderPlan({ stack: 'dev', rows: [], unreleased: outputs.unreleased })).toContain('left out (1)\n  payment: no release in dev yet');
  });

  it('arrives with its first release, as the pipeline writes it at deploy time: no hand edit', async () => {
    const root = copyCatalog();
    mkdirSync(path.join(root, 'apps', 'payment'));
    writeFileSync(path.join(root, 'apps', 'payment', 'service.yaml'), PAYMENT);
    const config = stackConfig('dev') as Record<string, any>;
    config['msa:releases'].payment = { version: '0.1.0-abcdef1', image: `registry.example/msa/payment@sha256:${'a'.repeat(64)}`, commit: 'abcdef1' };
    const dev = await capture('dev', { catalogRoot: root, config: flatConfig(config) });
    expect(dev.error).toBeUndefined();
    expect(dev.resources.filter((r) => r.type === 'kubernetes:apps/v1:Deployment' && r.name.includes('payment'))).toHaveLength(1);
    expect(((await settle(dev.outputs)) as { unreleased: Record<string, string> }).unreleased).toEqual({});
  });
});
