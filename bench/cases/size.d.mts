/** Types of size.mjs, for the size test that shares its measurement. */
export interface PackageShare {
  pkg: string;
  bytes: number;
  share: number;
}
export interface Sizes {
  app: { raw: number; gz: number; shares: PackageShare[]; forbidden: string[] };
  iife: { raw: number; gz: number; shares: PackageShare[] };
  esmBundle: { raw: number; gz: number };
  /** An app importing `loadCatalog` from `bragerone/catalog`; `forbidden` = what the HTTP-only detector finds in it. */
  catalogApp: {
    raw: number;
    gz: number;
    shares: PackageShare[];
    parserBytes: number;
    parserGz: number;
    forbidden: string[];
  };
  catalogIife: { raw: number; gz: number };
}
export const KB: number;
export const APP_TARGET: number;
export const APP_BUDGET: number;
export const IIFE_TARGET: number;
export const IIFE_BUDGET: number;
export const CATALOG_APP_BUDGET: number;
export const CATALOG_IIFE_BUDGET: number;
export const PARSER_PACKAGES: string[];
export const IIFE_STRETCH: number;
export const FORBIDDEN: string[];
export const FORBIDDEN_MARKERS: string[];
export const CATALOG_APP_SOURCE: string;
export const APP_SOURCE: string;
export function measureSizes(root: string): Promise<Sizes>;
export function run(ctx: unknown): Promise<unknown>;
