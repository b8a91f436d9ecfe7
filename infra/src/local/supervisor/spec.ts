/** What the supervisor runs: written by the ServiceProcess provider, read by the supervisor. */
export interface SupervisorSpec {
  service: string;
  /** Absolute path of the service's entry (apps/<svc>/src/main.ts). */
  entry: string;
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
