import { MemoryTokenStore } from '../../src/auth/token.js';
import { MemoryCacheAdapter } from '../../src/cache/memory.js';
import { runCacheAdapterContract, runTokenStoreContract } from './contract.js';

runTokenStoreContract('MemoryTokenStore', () => new MemoryTokenStore());
runCacheAdapterContract('MemoryCacheAdapter', () => new MemoryCacheAdapter());
