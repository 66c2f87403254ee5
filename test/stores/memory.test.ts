import { MemoryTokenStore } from '../../src/stores/memory.js';
import { MemoryCacheAdapter } from '../../src/cache/memory.js';
import { runCacheAdapterContract, runTokenStoreContract } from './contract.js';

runTokenStoreContract('MemoryTokenStore', () => new MemoryTokenStore());
runCacheAdapterContract('MemoryCacheAdapter', () => new MemoryCacheAdapter());
