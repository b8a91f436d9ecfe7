import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

interface Inputs {
  path: string;
  content: string;
}

/** Write then rename: a reader that watches the file (Prometheus) never sees half of it. */
function write(file: string, content: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, file);
}

export async function check(_olds: Inputs, news: Inputs) {
  const failures = path.isAbsolute(news.path ?? '') ? [] : [{ property: 'path', reason: `"${news.path}" is not an absolute path` }];
  return { inputs: news, failures };
}

export async function create(inputs: Inputs) {
  write(inputs.path, inputs.content);
  return { id: inputs.path, outs: inputs };
}

export async function diff(_id: string, olds: Inputs, news: Inputs) {
  const replaces = olds.path !== news.path ? ['path'] : [];
  return { changes: replaces.length > 0 || olds.content !== news.content, replaces, deleteBeforeReplace: true };
}

export async function update(_id: string, _olds: Inputs, news: Inputs) {
  write(news.path, news.content);
  return { outs: news };
}

/** A file edited or removed by hand reads as changed or gone, so refresh and the next up restore it. */
export async function read(id: string, props: Inputs) {
  if (!existsSync(props.path)) return { id: '', props: {} };
  return { id, props: { ...props, content: readFileSync(props.path, 'utf8') } };
}

export async function remove(_id: string, props: Inputs) {
  rmSync(props.path, { force: true });
}
