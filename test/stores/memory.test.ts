import { MemoryTokenStore } from '../../src/stores/memory.js';
import { runTokenStoreContract } from './contract.js';

runTokenStoreContract('MemoryTokenStore', () => new MemoryTokenStore());
