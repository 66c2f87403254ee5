/**
 * Inputs shared by describe, resolve and write preparation (CATALOG.md §3).
 */
import type { I18nGetter } from './i18n.js';
import type { RuleContext, ValueGetter } from './rules.js';
import type { UnitDescriptors } from './units.js';

/** Everything the model needs besides the param map. All synchronous; no I/O. */
export interface ModelContext {
  /** Unit descriptor table of the index (§1.7). */
  descriptors: UnitDescriptors;
  /** Namespaces of the current language. */
  i18n: I18nGetter;
  /** Namespaces of the default language, for the label fallback ([SIM] §3.3). */
  defaultI18n?: I18nGetter;
  /** Live register values (`P4.v1` → 215). Missing → nothing is live. */
  values?: ValueGetter;
  /** Per-module rule context `{devid, modulesMap}` (§3.6). */
  rules?: RuleContext;
  /** Symbols listed in a `write` section of a loaded, permission-filtered menu (§3.8 writability). */
  writeSymbols?: ReadonlySet<string>;
}

/** A getter that knows no values. */
export const NO_VALUES: ValueGetter = () => undefined;
