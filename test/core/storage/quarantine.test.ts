import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { runQuarantineScenarios } from '../../contracts/quarantine-scenarios.ts';

runQuarantineScenarios('fake-indexeddb', new IDBFactory());
