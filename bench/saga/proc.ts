import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { round } from './stats.ts';

/** Linux counts CPU time in clock ticks of 1/100 s (USER_HZ) on every architecture Node runs on. */
const TICKS_PER_S = 100;

export interface ProcSample {
  at: number;
  cpuTicks: number;
  rssKb: number;
}

/** utime + stime and VmRSS of one process, read from /proc; undefined once it has exited. */
export function sampleProcess(pid: number): ProcSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may hold spaces, start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuTicks = Number(fields[11]) + Number(fields[12]);
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
    return { at: performance.now(), cpuTicks, rssKb };
  } catch {
    return undefined;
  }
}

export interface ProcUsage {
  name: string;
  /** Percent of one core over the interval (200 = both cores of this machine). */
  cpuPercent: number;
  rssMb: number;
}

export function usageBetween(name: string, a: ProcSample, b: ProcSample): ProcUsage {
  const seconds = (b.at - a.at) / 1000;
  return { name, cpuPercent: round(((b.cpuTicks - a.cpuTicks) / TICKS_PER_S / seconds) * 100, 1), rssMb: round(b.rssKb / 1024, 1) };
}

/** Watches named processes over one step: call stop() to get each one's CPU and its resident memory at the end. */
export function watchProcesses(pids: ReadonlyMap<string, number>): { stop(): ProcUsage[] } {
  const start = new Map([...pids].map(([name, pid]) => [name, sampleProcess(pid)]));
  const machineStart = machineCpu();
  return {
    stop() {
      const usages: ProcUsage[] = [];
      for (const [name, pid] of pids) {
        const a = start.get(name);
        const b = sampleProcess(pid);
        if (a && b) usages.push(usageBetween(name, a, b));
      }
      const machineEnd = machineCpu();
      const busy = machineEnd.busy - machineStart.busy;
      const total = busy + machineEnd.idle - machineStart.idle;
      usages.push({ name: 'machine (all processes, of 100% per core)', cpuPercent: round((busy / total) * 100 * machineCores(), 1), rssMb: NaN });
      return usages;
    },
  };
}

function machineCpu(): { busy: number; idle: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const [, ...rest] = line.trim().split(/\s+/);
  const n = rest.map(Number);
  const idle = (n[3] ?? 0) + (n[4] ?? 0); // idle + iowait
  const busy = n.slice(0, 8).reduce((a, b) => a + b, 0) - idle;
  return { busy, idle };
}

function machineCores(): number {
  return readFileSync('/proc/stat', 'utf8').split('\n').filter((l) => /^cpu\d+ /.test(l)).length;
}

/** The 1, 5 and 15 minute load averages: how busy the shared machine was while we measured. */
export function loadAverage(): number[] {
  return loadavg().map((x) => round(x, 2));
}
