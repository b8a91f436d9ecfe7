import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { $, which } from 'zx';
import type { ServersConfig } from '../config.ts';
import { PrerequisiteError } from '../errors.ts';
import type { Log } from '../system.ts';

/** The pom that declares the broker's jars; its <kafka.version> is the one version we run. */
export const brokerPom = path.resolve(import.meta.dirname, '../../kafka/pom.xml');

/** The sha256 of every jar the broker runs on, committed beside the pom (kafka/jars.sha256). */
export const jarChecksums = path.resolve(import.meta.dirname, '../../kafka/jars.sha256');

/** What in `dir` differs from kafka/jars.sha256: a jar missing, unexpected, or with other bytes. Empty when all match. */
export function jarMismatches(dir: string): string[] {
  const want = new Map(readFileSync(jarChecksums, 'utf8').split('\n').filter((l) => /^[0-9a-f]{64}  /.test(l)).map((l) => [l.slice(66), l.slice(0, 64)] as const));
  const have = readdirSync(dir).filter((f) => f.endsWith('.jar'));
  const problems = [...want.keys()].filter((jar) => !have.includes(jar)).map((jar) => `${jar}: missing`);
  for (const jar of have) {
    const sum = createHash('sha256').update(readFileSync(path.join(dir, jar))).digest('hex');
    if (!want.has(jar)) problems.push(`${jar}: not in ${path.basename(jarChecksums)}`);
    else if (want.get(jar) !== sum) problems.push(`${jar}: sha256 ${sum}, expected ${want.get(jar)}`);
  }
  return problems;
}

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

const javaHint = 'the Kafka broker needs Java 17 or newer: apt-get install -y openjdk-17-jre-headless';

/** Why Java cannot run the broker, or undefined when it can. */
export async function javaProblem(): Promise<string | undefined> {
  const java = await which('java', { nothrow: true });
  if (!java) return `Java: 'java' is not on PATH; ${javaHint}`;
  const version = await $({ quiet: true, nothrow: true })`${java} -version`;
  const major = /version "(\d+)/.exec(version.stderr + version.stdout)?.[1];
  if (!major) return `Java: '${java} -version' did not tell its version; ${javaHint}`;
  if (Number(major) < 17) return `Java: ${java} is Java ${major}; ${javaHint}`;
  return undefined;
}

export async function requireJava(): Promise<string> {
  const problem = await javaProblem();
  if (problem) throw new PrerequisiteError(problem);
  return (await which('java'))!;
}

export const mavenHint = "Maven (mvn): it fetches the Kafka broker's jars from Maven Central; install it: apt-get install -y maven";

/** Fetches the broker's runtime jars from Maven Central into .tools/kafka/<version>/libs; idempotent. */
export async function installKafka(config: ServersConfig, log: Log): Promise<string> {
  const libs = kafkaLibsDir(config);
  await requireJava();
  if (isKafkaInstalled(config)) {
    log(`kafka: broker ${kafkaVersion()} jars present (${libs})`);
    return libs;
  }
  const mvn = await which('mvn', { nothrow: true });
  if (!mvn) throw new PrerequisiteError(mavenHint);
  log(`kafka: fetching broker ${kafkaVersion()} jars from Maven Central...`);
  // Fetch into a private folder and rename: two concurrent installs never see half a classpath.
  const staging = `${libs}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(path.dirname(libs), { recursive: true });
  try {
    // -C (--strict-checksums): a jar whose checksum does not match Maven Central's fails the fetch instead of a warning.
    await $({ quiet: true })`${mvn} -q -B -C -f ${brokerPom} dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=${staging}`;
    const mismatches = jarMismatches(staging);
    if (mismatches.length) throw new PrerequisiteError(`Kafka jars do not match ${jarChecksums}:\n  ${mismatches.join('\n  ')}`);
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
