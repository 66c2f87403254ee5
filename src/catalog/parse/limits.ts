/** Work limits of the parse layer (CATALOG.md §5). Every limit degrades a subtree to `null`; nothing throws. */
export interface ParseLimits {
  /** Maximum evaluation depth (AST levels below the evaluated node); deeper subtrees become `null`. */
  maxDepth: number;
  /** Maximum AST nodes visited per file (walks plus evaluation); beyond it results are `null` / incomplete. */
  maxNodes: number;
  /** Maximum builder expansions (calls of a builder arrow, §1.11 rule 13) per file. */
  maxBuilderExpansions: number;
  /** Maximum length of a string produced by the evaluator (decoded text, concatenation, source text). */
  maxStringLength: number;
  /** Maximum asset size in characters; a larger asset is not parsed at all (a warning says so). */
  maxAssetSize: number;
  /** Bracket nesting beyond which a region is blanked before a fallback parse (protects the parser's stack). */
  maxParseNesting: number;
}

/** Default limits. */
export const DEFAULT_LIMITS: Readonly<ParseLimits> = Object.freeze({
  maxDepth: 200,
  maxNodes: 20_000_000,
  maxBuilderExpansions: 200_000,
  maxStringLength: 100_000,
  maxAssetSize: 20 * 1024 * 1024,
  maxParseNesting: 200,
});

/** Merges overrides into the defaults. */
export function resolveLimits(overrides?: Partial<ParseLimits>): ParseLimits {
  return { ...DEFAULT_LIMITS, ...(overrides ?? {}) };
}
