import { execFileSync } from 'node:child_process';

/** Builds the library, worker, service worker and demo once before the e2e files run. */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
