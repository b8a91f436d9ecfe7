import { describe, expect, it } from 'vitest';
import { main } from '../offline-plan/cli.ts';

async function run(...args: string[]): Promise<string> {
  const out: string[] = [];
  expect(await main(args, (t) => out.push(t))).toBe(0);
  return out.join('\n');
}

describe('the offline plan command', () => {
  it('prints what prod would have, grouped by owner, with key settings and no secret value', async () => {
    const text = await run('--stack', 'prod');
    expect(text).toMatch(/^Stack prod: \d+ resources/);
    expect(text).toMatch(/^order \(\d+\)$/m);
    expect(text).toMatch(/aws:rds\.Instance\s+order-db-pg\s+class=db\.r6g\.large .*multiAz=true\s+deletionProtection=true\s+skipFinalSnapshot=false\s+backupDays=14/);
    expect(text).toMatch(/k8s:HorizontalPodAutoscaler\s+inventory-app-hpa\s+min=2\s+max=4\s+cpu=70%/);
    expect(text).toMatch(/aws:msk\.Topic\s+topics-order\.dlq\s+partitions=6\s+replication=3\s+retention=168h/);
    expect(text).toMatch(/k8s:Release\s+alb-controller-release\s+chart=aws-load-balancer-controller@\d+\.\d+\.\d+\s+namespace=kube-system/);
    expect(text).toMatch(/aws:rds\.Instance\s+order-db-pg\s+.*protect=true/);
    expect(text).toContain('values=[secret]');
    expect(text).not.toMatch(/mock-password/);
  });

  it('shows what differs between staging and prod, and what only prod has', async () => {
    const text = await run('--diff', 'staging', 'prod');
    expect(text).toMatch(/^Diff staging -> prod: \d+ alike, \d+ differ, 0 only in staging, 4 only in prod/);
    expect(text).toMatch(/~ order\s+aws:rds\.Instance\s+order-db-pg\s+class: db\.t4g\.medium -> db\.r6g\.large; .*backupDays: 7 -> 14; protect: false -> true/);
    // Staging is prod's shape: its databases are deletion-protected and keep a final snapshot too; only prod is `protect`ed.
    expect(text).not.toMatch(/deletionProtection:|skipFinalSnapshot:/);
    for (const row of ['aws:ec2\\.Vpc\\s+net-vpc', 'aws:eks\\.Cluster\\s+k8s-eks', 'aws:msk\\.Cluster\\s+kafka-msk']) {
      expect(text).toMatch(new RegExp(`~ platform\\s+${row}\\s+.*protect: false -> true`));
    }
    expect(text).toMatch(/\+ platform\s+aws:ec2\.NatGateway\s+net-nat-eu-central-1c/);
    // The same artifact is promoted: images do not differ.
    expect(text).not.toMatch(/image:/);
  });

  it('shows every deletion-safety difference between a throwaway stack and prod', async () => {
    const text = await run('--diff', 'dev', 'prod');
    expect(text).toMatch(/~ order\s+aws:rds\.Instance\s+order-db-pg\s+.*deletionProtection: false -> true; skipFinalSnapshot: true -> false; backupDays: 1 -> 14; .*protect: false -> true/);
  });

  it('gives JSON for tools', async () => {
    const plan = JSON.parse(await run('--stack', 'dev', '--json'));
    expect(plan.stack).toBe('dev');
    expect(plan.rows.filter((r: { kind: string }) => r.kind === 'aws:rds.Instance')).toHaveLength(3);
  });

  it('refuses a diff without two stacks and an unknown stack, saying why', async () => {
    await expect(main(['--diff', 'staging'], () => {})).rejects.toThrow(/--diff takes two stacks/);
    await expect(main(['--stack', 'qa'], () => {})).rejects.toThrow(/unknown stack "qa"/);
  });
});
