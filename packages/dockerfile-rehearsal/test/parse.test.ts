import { describe, expect, it } from 'vitest';
import { parseCopy, parseDockerfile, parseEnv } from '../src/index.ts';

describe('reading a Dockerfile', () => {
  it('splits stages, keeps build arguments apart and joins continued lines', () => {
    const { args, stages } = parseDockerfile(['ARG IMG=node:24', 'FROM ${IMG} AS build', 'RUN a \\', '  && b', '# note', 'FROM ${IMG}', 'CMD ["node"]'].join('\n'));
    expect(args).toEqual({ IMG: 'node:24' });
    expect(stages.map((s) => s.name)).toEqual(['build', '1']);
    expect(stages[0]!.instructions[1]).toEqual({ op: 'RUN', args: 'a  && b', line: 3 });
  });

  it('reads COPY flags, sources and destination, and ENV pairs', () => {
    expect(parseCopy('--from=build --chown=node /a /b ./')).toEqual({ from: 'build', sources: ['/a', '/b'], dest: './' });
    expect(parseEnv('A=1 B="two words" C=x')).toEqual({ A: '1', B: 'two words', C: 'x' });
  });

  it('refuses an instruction before FROM, naming its line', () => {
    expect(() => parseDockerfile('RUN x\nFROM y')).toThrow('line 1: RUN before the first FROM');
  });
});
