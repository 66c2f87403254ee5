/**
 * The public result types of the catalog (API.md, Catalog), produced by this model layer and returned unchanged by
 * the `Catalog` class, plus the model's internal extras.
 */
import type { AddressSource } from './address.js';
import type { LabelSource } from './i18n.js';
import type { CommandRule } from './param-map.js';
import type { StatusFlags, VisibilityReason } from './status.js';
import type { Transform } from './transform.js';

/** What a symbol is (API.md `ParameterDescription`). */
export interface ParameterDescription {
  symbol: string;
  address: string | null;
  label: string | null;
  unit: string | null;
  componentType: string | null;
  writable: boolean;
  options: Array<{ raw: number | string; label: string }> | null;
}

/** A symbol with its live value (API.md `ResolvedParameter`). */
export interface ResolvedParameter extends ParameterDescription {
  raw: unknown;
  value: number | string | boolean | null;
  valueLabel: string | null;
  min: number | null;
  max: number | null;
  visible: boolean;
}

/** A prepared write (API.md `WriteRequest`), spread into `moduleCommand` / `moduleCommandRaw` with a devid. */
export type WriteRequest =
  | { route: 'parameter'; pool: string; parameter: string; value: number; parameterName?: string; unit?: number }
  | { route: 'raw'; command: string; value?: unknown };

/** Whether the unit transform was understood: `ok`, no transform at all (`none`), or not understood (`unknown`). */
export type TransformStatus = 'ok' | 'none' | 'unknown';

/** Model extras of a description (not part of the public contract). */
export interface DescriptionExtras {
  labelSource: LabelSource;
  addressSource: AddressSource;
  /** For `STATUS_P<p>_<i>`: the map's own primary when it differs from the described address. */
  computedPrimary: string | null;
  unitCode: string | number | null;
  transform: Transform;
  transformStatus: TransformStatus;
  /** Display input step (§3.8 [SIM]). */
  step: number | null;
  commandRules: CommandRule[];
  /** Addresses whose change re-resolves this parameter (§3.10 [SIM]). */
  refreshKeys: string[];
}

/** {@link ParameterDescription} plus model extras. */
export interface DescribedParameter extends ParameterDescription, DescriptionExtras {}

/** {@link ResolvedParameter} plus model extras. */
export interface ResolvedDetails extends ResolvedParameter, DescriptionExtras {
  kind: 'direct' | 'computed';
  rawMin: number | null;
  rawMax: number | null;
  status: { raw: number | null; flags: StatusFlags };
  visibilityReason: VisibilityReason;
}

/** Picks exactly the public fields of a description. */
export function toParameterDescription(d: ParameterDescription): ParameterDescription {
  return {
    symbol: d.symbol,
    address: d.address,
    label: d.label,
    unit: d.unit,
    componentType: d.componentType,
    writable: d.writable,
    options: d.options,
  };
}

/** Picks exactly the public fields of a resolved parameter. */
export function toResolvedParameter(r: ResolvedParameter): ResolvedParameter {
  return {
    ...toParameterDescription(r),
    raw: r.raw,
    value: r.value,
    valueLabel: r.valueLabel,
    min: r.min,
    max: r.max,
    visible: r.visible,
  };
}
