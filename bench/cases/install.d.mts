/** Types of install.mjs, for the package test that shares its measurement. */
export interface CommandResult {
  status: number | null;
  out: string;
}
export interface InstallResult {
  /** Paths in the packed tarball. */
  files: string[];
  /** Text of every packed .js file, by path. */
  packedText: Record<string, string>;
  /** Installed package names (the package itself included), sorted. */
  packages: string[];
  installMs: number;
  tsc: CommandResult;
  simulatorEsm: { started?: boolean; brager?: boolean; name?: string; message?: string };
  simulatorCjs: string;
  cli: { demo: CommandResult; simulatorFlag: CommandResult };
}
export const INSTALL_BUDGET: number;
export const CATALOG_PARSER_PACKAGES: string[];
export const CLI_WIDTH_PACKAGES: string[];
export const SERVER_PACKAGES: string[];
export function measureInstall(root: string, opts?: { timeout?: number }): InstallResult;
export function run(ctx: unknown): Promise<unknown>;
