import { existsSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DevIssuer } from '@msa/service-kit/dev-issuer';

interface Inputs {
  /** The issuer's folder (private key and JWKS). */
  dir: string;
  /** The stack: the issuer's name. */
  stack: string;
}

export async function check(_olds: Inputs, news: Inputs) {
  const failures = path.isAbsolute(news.dir ?? '') ? [] : [{ property: 'dir', reason: `"${news.dir}" is not an absolute path` }];
  return { inputs: news, failures };
}

export async function create(inputs: Inputs) {
  DevIssuer.open(inputs.dir, inputs.stack);
  return { id: inputs.dir, outs: inputs };
}

export async function diff(_id: string, olds: Inputs, news: Inputs) {
  const replaces = (['dir', 'stack'] as const).filter((k) => olds[k] !== news[k]);
  return { changes: replaces.length > 0, replaces, deleteBeforeReplace: true };
}

export async function update(_id: string, _olds: Inputs, news: Inputs) {
  return { outs: news };
}

export async function read(id: string, props: Inputs) {
  // Gone: refresh drops it, the next `up` makes a new key pair (tokens signed by the old one stop working).
  return existsSync(path.join(props.dir, 'jwks.json')) ? { id, props } : { id: '', props: {} };
}

export async function remove(_id: string, props: Inputs) {
  rmSync(props.dir, { recursive: true, force: true });
  // The stack's folder goes with the last thing in it (the services' processes remove theirs the same way).
  const stackDir = path.dirname(props.dir);
  try {
    if (readdirSync(stackDir).length === 0) rmdirSync(stackDir);
  } catch {
    // already gone
  }
}
