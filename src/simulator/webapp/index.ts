/**
 * The simulator's synthetic web app: description, generator and landing page.
 * @module
 */

export * from './description.js';
export {
  type GenerateOptions,
  generateWebApp,
  type WebAppAsset,
  type WebAppAssetKind,
  type WebAppBuild,
} from './generate.js';
export { type LandingInput, type LandingLink, renderLandingPage } from './landing.js';
