import { which } from 'zx';
import type { ServersConfig } from './config.ts';
import { PrerequisiteError } from './errors.ts';
import { isKafkaInstalled, javaProblem, mavenHint } from './kafka/install.ts';
import { postgresProblem } from './postgres/install.ts';

/** Everything this machine lacks to install and run both servers, each with what to install. */
export async function missingPrerequisites(config: ServersConfig): Promise<string[]> {
  const problems = [await postgresProblem(), await javaProblem()];
  if (!isKafkaInstalled(config) && !(await which('mvn', { nothrow: true }))) problems.push(mavenHint);
  return problems.filter((problem): problem is string => problem !== undefined);
}

/** Fails before anything is installed or started, naming all that is missing at once. */
export async function checkPrerequisites(config: ServersConfig): Promise<void> {
  const missing = await missingPrerequisites(config);
  if (missing.length > 0) {
    throw new PrerequisiteError(`This machine lacks what the local servers need:\n${missing.map((line) => `  - ${line}`).join('\n')}`);
  }
}
