import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Capture } from '../offline-plan/capture.ts';
import type { CapturedResource } from '../offline-plan/mocks.ts';
import { ROOT, ofType } from './support.ts';

export { facts } from '../src/facts.ts';

/** `type::name`, as the capture records dependencies. */
export const key = (r: CapturedResource) => `${r.type}::${r.name}`;

/** Everything `r` waits for, directly or through what it waits for. */
export function dependsOnTransitively(c: Capture, r: CapturedResource): Set<string> {
  const byKey = new Map(c.resources.map((x) => [key(x), x]));
  const seen = new Set<string>();
  const visit = (k: string) => {
    for (const d of byKey.get(k)?.dependencies ?? []) if (!seen.has(d)) (seen.add(d), visit(d));
  };
  visit(key(r));
  return seen;
}

/** The role variables the workflows assume (`role-to-assume: ${{ vars.AWS_X_ROLE_ARN }}`), by workflow. */
export function workflowRoles(): Map<string, Set<string>> {
  const dir = path.join(ROOT, '.github/workflows');
  const roles = new Map<string, Set<string>>();
  for (const file of readdirSync(dir)) {
    for (const m of readFileSync(path.join(dir, file), 'utf8').matchAll(/role-to-assume:\s*\$\{\{\s*vars\.(AWS_\w+_ROLE_ARN)\s*\}\}/g)) {
      roles.set(m[1]!, (roles.get(m[1]!) ?? new Set()).add(file));
    }
  }
  return roles;
}

export const statementsOf = (policy: string) =>
  JSON.parse(policy).Statement as { Effect: string; Action: string[]; Resource: string[] | string; Condition?: Record<string, Record<string, string>> }[];

/** The security groups that SecurityGroupPolicies give pods. */
export const podGroups = (c: Capture) =>
  [...new Set(ofType(c, 'kubernetes:vpcresources.k8s.aws/v1beta1:SecurityGroupPolicy').flatMap((p) => p.inputs.spec.securityGroups.groupIds as string[]))];
