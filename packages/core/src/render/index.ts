export * from './formats.js';
export * from './secret-manifest.js';
