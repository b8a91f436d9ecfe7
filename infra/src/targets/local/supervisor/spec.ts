/** What the supervisor runs: written by the ServiceProcess provider, read by the supervisor. */
export interface SupervisorSpec {
  service: string;
  /** Absolute path of the service's built bundle (apps/<svc>/dist/main.mjs). */
  entry: string;
  /** Node flags for each worker (service-kit's launchSpec). */
  execArgv: string[];
  /** `entry` is a program run as it is (catalog runtime other than node): execArgv are its arguments. */
  native?: boolean;
  cwd: string;
  replicas: number;
  env: Record<string, string>;
  /** Where the supervisor records its workers and restarts (JSON), for status and tests. */
  stateFile: string;
}

export interface SupervisorState {
  pid: number;
  service: string;
  workers: number[];
  restarts: number;
  updatedAt: string;
}
