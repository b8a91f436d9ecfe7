/** The environment variable that gives a caller the base URL of a service it calls (`calls` in the catalog). */
export function calleeEnvVar(callee: string): string {
  return `${callee.toUpperCase().replace(/-/g, '_')}_URL`;
}
