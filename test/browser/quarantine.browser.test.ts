import { runQuarantineScenarios } from '../contracts/quarantine-scenarios.ts';

// Real IndexedDB in Chromium: each kind of record corrupted on disk, then puts, sync and flush.
runQuarantineScenarios('Chromium', indexedDB);
