export type ReasonKind = 'folder' | 'catalog-entry' | 'event-contract' | 'shared-package' | 'locked-dependency' | 'infra' | 'toolchain';

export interface Reason {
  kind: ReasonKind;
  /** Why, in words: "apps/order/src/app.ts changed". */
  detail: string;
}

export interface AffectedService {
  name: string;
  reasons: Reason[];
}

export interface AffectedStack {
  name: string;
  reasons: string[];
}

/**
 * What the classifiers found while reading a change: services with their reasons, stacks to
 * preview, ignored paths, and the changes whose reach is decided once every path is read
 * (shared packages, the lockfile, changes that shape every service, the Pulumi program).
 */
export class Findings {
  readonly services = new Map<string, Reason[]>();
  readonly stacks = new Map<string, string[]>();
  readonly ignored: string[] = [];
  /** Why every service is affected (infra code, the toolchain), in the order found. */
  readonly everyService: string[] = [];
  /** Shared package folder → the first changed file in it. */
  readonly changedPackageDirs = new Map<string, string>();
  lockfileChanged = false;
  /** The Pulumi program changed: every stack needs a preview. */
  programChanged = false;
  /** Only the local target's code changed: the local stacks need a preview. */
  localProgramChanged = false;

  addService(name: string, reason: Reason): void {
    const list = this.services.get(name) ?? [];
    if (!list.some((r) => r.kind === reason.kind && r.detail === reason.detail)) list.push(reason);
    this.services.set(name, list);
  }

  addStack(name: string, why: string): void {
    const list = this.stacks.get(name) ?? [];
    if (!list.includes(why)) list.push(why);
    this.stacks.set(name, list);
  }

  ignore(file: string): void {
    this.ignored.push(file);
  }

  sortedServices(): AffectedService[] {
    return [...this.services.entries()].map(([name, reasons]) => ({ name, reasons })).sort((a, b) => a.name.localeCompare(b.name));
  }

  sortedStacks(): AffectedStack[] {
    return [...this.stacks.entries()].map(([name, reasons]) => ({ name, reasons })).sort((a, b) => a.name.localeCompare(b.name));
  }
}
