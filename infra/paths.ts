/** Absolute paths the CDK app resolves everything against (independent of the working directory). */
import { fileURLToPath } from 'node:url';

/** The repository root (the directory holding package.json). */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
