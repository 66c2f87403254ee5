import { MemoryCacheAdapter } from '../../src/cache/memory.js';
import { runCacheAdapterContract } from './contract.js';

runCacheAdapterContract('MemoryCacheAdapter', () => new MemoryCacheAdapter());
