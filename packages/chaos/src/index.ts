export { runChaos, failuresOf, type ChaosOptions, type ChaosResult } from './run.ts';
export { reportText, writeResults, duplicatedEffects } from './report.ts';
export { disagreement, stockDrift, duplicatedEvents } from './consistency.ts';
export { chaosPlan, scaleOutPlan } from './faults.ts';
export { recovery } from './throughput.ts';
export { expectedSteps, journeyProblems, type ReadModelAudit } from './journeys.ts';
