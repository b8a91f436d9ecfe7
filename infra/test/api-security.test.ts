import { beforeAll, describe, expect, it } from 'vitest';
import type { Capture } from '../offline-plan/capture.ts';
import { HELM_RELEASE, type CapturedResource } from '../offline-plan/mocks.ts';
import { CLOUD_STACKS, capture, catalog, ofType, stackConfig } from './support.ts';

/**
 * The public API in a cloud stack, under Pulumi's mocks for each stack's real config: only the API's
 * paths are routed, a WAF rate-based rule sits on the load balancer, and every service verifies the
 * tokens of the stack's own Cognito user pool.
 */

const INGRESS = 'kubernetes:networking.k8s.io/v1:Ingress';
const DEPLOYMENT = 'kubernetes:apps/v1:Deployment';
const WEB_ACL = 'aws:wafv2/webAcl:WebAcl';
const POOL = 'aws:cognito/userPool:UserPool';
const CLIENT = 'aws:cognito/userPoolClient:UserPoolClient';
const GROUP = 'aws:cognito/userGroup:UserGroup';

/** What an ALB Prefix path matches (the path itself and everything under it, by whole segments). */
const routes = (prefix: string, path: string) => path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);

describe.each(CLOUD_STACKS)('%s: the public API is authenticated, limited and routes nothing internal', (stack) => {
  let c: Capture;
  const config = stackConfig(stack) as Record<string, any>;
  const one = (type: string) => {
    const found = ofType(c, type);
    expect(found, type).toHaveLength(1);
    return found[0]!;
  };
  beforeAll(async () => {
    c = await capture(stack);
    if (c.error) throw c.error;
  });

  it("routes only the catalog's public API paths: probes, metrics, OpenAPI and /dependencies get no rule", () => {
    const ingresses = ofType(c, INGRESS);
    expect(ingresses).toHaveLength(catalog.services.filter((s) => s.public).length);
    for (const ingress of ingresses) {
      const paths = ingress.inputs.spec.rules.flatMap((r: any) => r.http.paths) as { path: string; backend: any }[];
      const service = catalog.byName(paths[0]!.backend.service.name);
      expect(paths.map((p) => p.path)).toEqual(service.http.publicPaths);
      const internal = ['/', service.http.health, service.http.readiness, service.http.metrics, service.http.openapi, '/dependencies'];
      for (const path of internal) expect(paths.filter((p) => routes(p.path, path)), path).toEqual([]);
      expect(paths.some((p) => routes(p.path, '/orders/6f1c2a9e-7d4b-4f5e-9a7c-1b2d3e4f5a6b'))).toBe(true);
    }
  });

  it('puts a WAFv2 web ACL with a rate-based block per client IP on the public load balancer, through a controller allowed to attach it', () => {
    const acls = ofType(c, WEB_ACL);
    const ingresses = ofType(c, INGRESS);
    expect(acls).toHaveLength(ingresses.length);
    for (const ingress of ingresses) {
      const arn = ingress.inputs.metadata.annotations['alb.ingress.kubernetes.io/wafv2-acl-arn'];
      const acl = acls.find((a) => a.state.arn === arn);
      expect(acl, 'the ACL the Ingress names').toBeDefined();
      expect(acl!.inputs.scope).toBe('REGIONAL');
      const rate = acl!.inputs.rules.find((r: any) => r.statement.rateBasedStatement);
      expect(rate.action).toEqual({ block: {} });
      expect(rate.statement.rateBasedStatement).toMatchObject({ aggregateKeyType: 'IP', evaluationWindowSec: 300 });
      expect(rate.statement.rateBasedStatement.limit).toBeGreaterThanOrEqual(100); // WAF's minimum
    }
    const controller = ofType(c, HELM_RELEASE).find((r) => r.inputs.chart === 'aws-load-balancer-controller')!;
    expect(controller.inputs.values.enableWafv2).toBe(true);
    const policies = ofType(c, 'aws:iam/rolePolicy:RolePolicy').map((p) => p.inputs.policy as string);
    expect(policies.some((p) => p.includes('wafv2:AssociateWebACL'))).toBe(true);
  });

  it("creates the stack's Cognito user pool, a public app client and the operator group, and gives every service its issuer", () => {
    const pool = one(POOL);
    const client = one(CLIENT);
    expect(client.inputs.userPoolId).toBe(pool.state.id ?? `${pool.name}-id`);
    expect(client.inputs.generateSecret).toBe(false);
    expect(client.inputs.preventUserExistenceErrors).toBe('ENABLED');
    expect(one(GROUP).inputs.name).toBe('operator');
    const issuer = `https://cognito-idp.${config['msa:region']}.amazonaws.com/${client.inputs.userPoolId}`;
    const deployments = ofType(c, DEPLOYMENT);
    expect(deployments).toHaveLength(catalog.services.length);
    for (const d of deployments) {
      const env = Object.fromEntries((d.inputs.spec.template.spec.containers[0].env as { name: string; value?: string }[]).map((e) => [e.name, e.value]));
      expect(env, d.name).toMatchObject({
        AUTH_ISSUER: issuer,
        AUTH_JWKS: `${issuer}/.well-known/jwks.json`,
        AUTH_AUDIENCE: client.state.id ?? `${client.name}-id`,
        AUTH_ROLES_CLAIM: 'cognito:groups',
      });
    }
  });

  it('protects the user pool (every account) from deletion in prod, as its databases are', () => {
    const pool: CapturedResource = one(POOL);
    expect(pool.inputs.deletionProtection).toBe(config['msa:environment'] === 'prod' ? 'ACTIVE' : 'INACTIVE');
  });
});
