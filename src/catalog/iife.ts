/**
 * Script-tag entry of the catalog: `dist/bragerone-catalog.iife.js`. Load it after `dist/bragerone.iife.js`; it
 * adds the catalog's exports (`loadCatalog`, `CatalogError`, …) to the existing `BragerOne` global. This file is
 * the one place where a side effect at load time is the point.
 */
import * as catalog from './index.js';

const g = globalThis as { BragerOne?: Record<string, unknown> };
if (g.BragerOne) Object.assign(g.BragerOne, catalog);
