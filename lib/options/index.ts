// Configuration from environment variables (semantics.md sections 1 and 4).
export { optionsFromEnv, isLdapEnabled } from './fromEnv';
export type { OptionsIo } from './fileIo';
export { nodeFileIo } from './fileIo';
export { parseConnectionOptions } from './connectionOptions';
