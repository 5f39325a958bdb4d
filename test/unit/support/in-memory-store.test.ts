import { InMemoryStore } from '../../support/in-memory-store.js';
import { describeStoreContract } from '../../support/store-contract.js';

describeStoreContract('InMemoryStore', async () => ({ store: new InMemoryStore(), cleanup: async () => {} }));
