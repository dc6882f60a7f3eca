import { execFileSync } from 'node:child_process';

/**
 * Builds the e2e test app (page, module worker, one-file service worker with its precache
 * manifest) once before the e2e files run. The library build is `npm run build`'s job;
 * the demo's e2e file builds the demo itself when it is stale.
 */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs', 'e2e-app'], { stdio: 'inherit' });
}
