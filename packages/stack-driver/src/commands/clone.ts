// `node packages/stack-driver/src/commands/clone.ts --from local --to local-pr-42 [--json]`
// `node packages/stack-driver/src/commands/clone.ts --destroy local-pr-42`
import { parseArgs } from 'node:util';
import { cloneLocalStack, destroyLocalClone } from '../local-clone.ts';

const { values } = parseArgs({
  options: {
    from: { type: 'string', default: 'local' },
    to: { type: 'string' },
    destroy: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
if (values.destroy) {
  await destroyLocalClone(values.destroy, { stream: !values.json });
  console.log(values.json ? JSON.stringify({ destroyed: values.destroy }) : `Clone ${values.destroy} destroyed and removed.`);
} else if (values.to) {
  const report = await cloneLocalStack({ source: values.from ?? 'local', target: values.to, stream: !values.json });
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else {
    console.log(`\nCloned ${report.source} into ${report.target} (${report.stackFile}):`);
    for (const [name, url] of Object.entries(report.endpoints)) console.log(`  ${name.padEnd(12)} ${url}  db ${report.databases[name]}`);
    console.log(`  topics prefixed "${report.topicPrefix}", ports offset ${report.portOffset}`);
    console.log(`  smoke: ${report.smoke.map((s) => `${s.status} ${s.url}`).join(', ')}`);
    console.log(`  took ${report.seconds.configure + report.seconds.up + report.seconds.smoke}s`);
  }
} else {
  console.error('usage: clone.ts --from <stack> --to <new-stack> [--json] | --destroy <stack>');
  process.exit(2);
}
