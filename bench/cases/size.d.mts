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
}
export const KB: number;
export const APP_BUDGET: number;
export const IIFE_BUDGET: number;
export const IIFE_STRETCH: number;
export const FORBIDDEN: string[];
export const APP_SOURCE: string;
export function measureSizes(root: string): Promise<Sizes>;
export function run(ctx: unknown): Promise<unknown>;
