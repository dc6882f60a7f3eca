import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

/** The machine a run happened on, as written into the results. */
export interface MachineInfo {
  readonly nproc: number;
  readonly cpu: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly chromium: string;
  readonly os: string;
}

function osName(): string {
  try {
    const line = readFileSync('/etc/os-release', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('PRETTY_NAME='));
    return line?.slice('PRETTY_NAME='.length).replaceAll('"', '') ?? process.platform;
  } catch {
    return process.platform;
  }
}

/** Collects machine facts; `chromium` is the version Playwright reported for the launched browser. */
export function machineInfo(chromium: string): MachineInfo {
  return {
    nproc: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    chromium,
    os: osName(),
  };
}
