import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, repoRoot } from '../src/config.ts';
import { alertmanagerConfig, alertmanagerSpec, monitoringSettings, prometheusConfig, prometheusSpec } from '../src/monitoring/servers.ts';

// Starting both for real, scraping real services and firing a real alert: packages/system-tests/test/alerting.test.ts.
describe('the local Prometheus and Alertmanager settings', () => {
  const config = loadConfig({ MSA_LOCAL_DIR: '/tmp/env-m', MSA_PROMETHEUS_PORT: '49090', MSA_ALERTMANAGER_PORT: '49094' });
  const settings = monitoringSettings(config);

  it('listen on loopback ports from config and keep everything under the local folder', () => {
    expect(settings).toMatchObject({ dir: '/tmp/env-m/servers/monitoring', targetsDir: '/tmp/env-m/monitoring/targets', prometheusPort: 49090, alertmanagerPort: 49094 });
    expect(prometheusSpec(settings).args).toContain('--web.listen-address=127.0.0.1:49090');
    expect(alertmanagerSpec(settings).args).toEqual(expect.arrayContaining(['--web.listen-address=127.0.0.1:49094', '--cluster.listen-address=']));
    expect(loadConfig({}).monitoring).toMatchObject({ prometheusPort: 59090, alertmanagerPort: 59094 });
  });

  it('load the committed rule file, discover targets from every stack file, and alert through the local Alertmanager', () => {
    expect(prometheusConfig(settings)).toMatchObject({
      rule_files: [path.join(repoRoot, 'monitoring', 'alerts.rules.yml')],
      alerting: { alertmanagers: [{ static_configs: [{ targets: ['127.0.0.1:49094'] }] }] },
      scrape_configs: expect.arrayContaining([
        expect.objectContaining({ job_name: 'services', file_sd_configs: [expect.objectContaining({ files: ['/tmp/env-m/monitoring/targets/*.json'] })] }),
      ]),
    });
    // Locally nobody is paged: one receiver with no integrations.
    expect(alertmanagerConfig()).toMatchObject({ route: { receiver: 'local' }, receivers: [{ name: 'local' }] });
  });

  it('take shorter intervals for a test instance, never another rule file unless asked', () => {
    const fast = monitoringSettings(config, { scrapeInterval: '2s', evaluationInterval: '2s' });
    expect(prometheusConfig(fast)).toMatchObject({ global: { scrape_interval: '2s', evaluation_interval: '2s' }, rule_files: [settings.rulesFile] });
  });
});
