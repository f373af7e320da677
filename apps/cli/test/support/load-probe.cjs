// Preloaded with NODE_OPTIONS=--require: at exit, records whether oclif (CommonJS, so in
// require.cache) or undici (Node's fetch, which ky's import pulls in) were loaded, so a test
// can tell the fast path ran. Written to the file named by GLKEYS_TEST_PROBE_OUT.
// A preload script must be CommonJS, so it uses require.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { writeFileSync } = require('node:fs');

process.on('exit', () => {
  const out = process.env.GLKEYS_TEST_PROBE_OUT;
  if (!out) return;
  writeFileSync(
    out,
    JSON.stringify({
      oclif: Object.keys(require.cache).some((file) => file.includes('@oclif/core')),
      undici: process.moduleLoadList.some((name) => name.includes('undici')),
    }),
  );
});
