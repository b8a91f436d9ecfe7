#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { deadLetterTopic, findRepoRoot, loadCatalog, topicName } from '@msa/catalog';
import { listDeadLetters, replayDeadLetters, type DeadLetter, type DeadLetterTopic } from './dead-letters.ts';

interface GlobalOptions {
  brokers?: string;
  prefix: string;
  json?: boolean;
}

const letterId = (v: string, previous: string[] = []) => {
  if (!/^\d+:\d+$/.test(v)) throw new InvalidArgumentError(`"${v}" is not partition:offset (as \`list\` shows in its first column)`);
  return [...previous, v];
};

/** The local servers' broker unless KAFKA_BROKERS or --brokers says otherwise. */
async function brokersFrom(option: string | undefined): Promise<string[]> {
  const value = option ?? process.env.KAFKA_BROKERS;
  if (value) return value.split(',').map((b) => b.trim()).filter(Boolean);
  const { connectionSettings } = await import('@msa/local-servers');
  return connectionSettings().kafka.brokers;
}

async function topicOf(service: string, o: GlobalOptions): Promise<DeadLetterTopic> {
  const entry = loadCatalog(findRepoRoot()).services.find((s) => s.name === service);
  if (!entry) throw new InvalidArgumentError(`no service "${service}" in the catalog (apps/*/service.yaml)`);
  return { brokers: await brokersFrom(o.brokers), topic: topicName(o.prefix, deadLetterTopic(entry)) };
}

function printLetters(letters: DeadLetter[]): void {
  if (letters.length === 0) return console.log('no dead letters');
  for (const l of letters) {
    const what = l.eventType ? `${l.eventType} ${l.eventId ?? ''}`.trim() : '(not an event)';
    console.log(`${l.id}\t${l.replayed ? 'replayed' : 'pending'}\t${l.failedAt ?? '-'}\t${l.sourceTopic}@${l.sourceOffset}\tkey=${l.key}\t${what}\n\treason: ${l.reason}`);
  }
}

export function buildProgram(): Command {
  const program = new Command('dlq')
    .description("Inspect and replay a service's dead letters (messages its consumer could never apply).")
    .option('--brokers <list>', 'Kafka bootstrap brokers, comma-separated (default: $KAFKA_BROKERS, else the local servers)')
    .option('--prefix <prefix>', "the environment's topic prefix (TOPIC_PREFIX)", process.env.TOPIC_PREFIX ?? '')
    .option('--json', 'print JSON instead of lines')
    .showHelpAfterError();
  const opts = () => program.opts<GlobalOptions>();

  program
    .command('list <service>')
    .description('every dead letter of the service, oldest first: id (partition:offset), state, when, source, key, event, reason')
    .action(async (service: string) => {
      const letters = await listDeadLetters(await topicOf(service, opts()));
      if (opts().json) console.log(JSON.stringify(letters, null, 2));
      else printLetters(letters);
    });

  program
    .command('replay <service>')
    .description('send dead letters back to their source topic; one already replayed is not sent again')
    .option('--all', 'every dead letter not replayed yet')
    .option('--offset <partition:offset>', 'a dead letter to replay (repeatable)', letterId)
    .action(async (service: string, o: { all?: boolean; offset?: string[] }) => {
      if (!o.all && !o.offset) throw new InvalidArgumentError('say which: --all, or --offset partition:offset (repeatable)');
      if (o.all && o.offset) throw new InvalidArgumentError('--all and --offset exclude each other');
      const result = await replayDeadLetters(await topicOf(service, opts()), o.all ? 'all' : o.offset!);
      if (opts().json) console.log(JSON.stringify(result, null, 2));
      else {
        console.log(`replayed: ${result.replayed.join(' ') || 'none'}`);
        if (result.alreadyReplayed.length) console.log(`already replayed, not sent again: ${result.alreadyReplayed.join(' ')}`);
      }
      if (result.unknown.length) {
        console.error(`no such dead letter: ${result.unknown.join(' ')} (see \`dlq list ${service}\`)`);
        process.exitCode = 2;
      }
    });
  return program;
}

if (import.meta.main) {
  await buildProgram()
    .parseAsync()
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    });
}
