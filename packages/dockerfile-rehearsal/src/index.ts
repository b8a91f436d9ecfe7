export { rehearseDockerfile, type RehearsedImage, type RehearseOptions } from './rehearse.ts';
export { parseDockerfile, parseCopy, parseEnv } from './parse.ts';
