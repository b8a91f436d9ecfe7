import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { $ } from 'zx';
import type { ServersConfig } from '../config.ts';
import { PrerequisiteError } from '../errors.ts';
import { type Log, requireCommand } from '../system.ts';

/** The pom that declares the broker's jars; its <kafka.version> is the one version we run. */
export const brokerPom = path.resolve(import.meta.dirname, '../../kafka/pom.xml');

export function kafkaVersion(): string {
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(readFileSync(brokerPom, 'utf8'));
  if (!match?.[1]) throw new Error(`${brokerPom} declares no <kafka.version>`);
  return match[1];
}

export function kafkaLibsDir(config: ServersConfig): string {
  return path.join(config.toolsDir, 'kafka', kafkaVersion(), 'libs');
}

// Written last, so an interrupted fetch never looks installed.
const completeMarker = (libs: string) => path.join(libs, '.complete');

export function isKafkaInstalled(config: ServersConfig): boolean {
  return existsSync(completeMarker(kafkaLibsDir(config)));
}

export async function requireJava(): Promise<string> {
  const java = await requireCommand('java', 'the Kafka broker needs Java 17 or newer: apt-get install -y openjdk-17-jre-headless');
  const version = await $({ quiet: true })`${java} -version`;
  const major = /version "(\d+)/.exec(version.stderr + version.stdout)?.[1];
  if (major && Number(major) < 17) {
    throw new PrerequisiteError(`Java ${major} found at ${java}; the Kafka broker needs Java 17 or newer: apt-get install -y openjdk-17-jre-headless`);
  }
  return java;
}

/** Fetches the broker's runtime jars from Maven Central into .tools/kafka/<version>/libs; idempotent. */
export async function installKafka(config: ServersConfig, log: Log): Promise<string> {
  const libs = kafkaLibsDir(config);
  await requireJava();
  if (isKafkaInstalled(config)) {
    log(`kafka: broker ${kafkaVersion()} jars present (${libs})`);
    return libs;
  }
  const mvn = await requireCommand('mvn', 'the Kafka broker jars are fetched from Maven Central with Maven: apt-get install -y maven');
  log(`kafka: fetching broker ${kafkaVersion()} jars from Maven Central...`);
  // Fetch into a private folder and rename: two concurrent installs never see half a classpath.
  const staging = `${libs}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(path.dirname(libs), { recursive: true });
  try {
    await $({ quiet: true })`${mvn} -q -B -f ${brokerPom} dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=${staging}`;
    writeFileSync(completeMarker(staging), `${new Date().toISOString()}\n`);
    if (isKafkaInstalled(config)) rmSync(staging, { recursive: true, force: true }); // another install won the race
    else {
      rmSync(libs, { recursive: true, force: true });
      renameSync(staging, libs);
    }
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (isKafkaInstalled(config)) return libs; // another install won the race
    throw error;
  }
  log(`kafka: jars installed (${libs})`);
  return libs;
}
