/** Internal (not public): a lazily opened idb-keyval `UseStore` that survives shared databases and version changes. */
import type { UseStore } from 'idb-keyval';
import { BragerOneError } from '../errors.js';
import { hasName } from './error-text.js';

/** True when this runtime has IndexedDB. */
export function hasIndexedDb(): boolean {
  return typeof (globalThis as { indexedDB?: IDBFactory }).indexedDB?.open === 'function';
}

function openDb(dbName: string, storeName: string, version?: number): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const factory = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
    if (!factory) {
      reject(new BragerOneError('IndexedDB is not available in this environment'));
      return;
    }
    const req = version === undefined ? factory.open(dbName) : factory.open(dbName, version);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(storeName)) req.result.createObjectStore(storeName);
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new BragerOneError(`IndexedDB: cannot open database "${dbName}"`));
  });
}

/**
 * Like idb-keyval's `createStore(dbName, storeName)` (nothing happens until the first call), plus:
 * - when the database already exists without `storeName` (another component owns it), the store is added
 *   through a version upgrade instead of every transaction failing with `NotFoundError`;
 * - the connection closes itself on `versionchange`, so other tabs can upgrade, and is reopened on next use.
 */
export function openIdbStore(dbName: string, storeName: string): UseStore {
  let dbp: Promise<IDBDatabase> | undefined;

  const connect = async (): Promise<IDBDatabase> => {
    let db = await openDb(dbName, storeName);
    for (let attempt = 0; !db.objectStoreNames.contains(storeName); attempt++) {
      const next = db.version + 1;
      db.close();
      try {
        db = await openDb(dbName, storeName, next);
      } catch (err) {
        // Another tab upgraded first (VersionError): reopen at the current version and look again.
        if (!hasName(err, 'VersionError') || attempt >= 3) throw err;
        db = await openDb(dbName, storeName);
      }
    }
    db.onversionchange = () => {
      db.close();
      dbp = undefined;
    };
    db.onclose = () => {
      dbp = undefined;
    };
    return db;
  };

  const getDb = (): Promise<IDBDatabase> => {
    if (!dbp) {
      const p = connect();
      dbp = p;
      p.catch(() => {
        if (dbp === p) dbp = undefined;
      });
    }
    return dbp;
  };

  return async (txMode, callback) => {
    for (let attempt = 0; ; attempt++) {
      const db = await getDb();
      let store: IDBObjectStore;
      try {
        store = db.transaction(storeName, txMode).objectStore(storeName);
      } catch (err) {
        // The connection was closed under us (versionchange, browser housekeeping): reopen once.
        if (attempt === 0 && hasName(err, 'InvalidStateError')) {
          dbp = undefined;
          continue;
        }
        throw err;
      }
      return callback(store);
    }
  };
}
