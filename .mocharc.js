// Mocha's configuration for `npm test` (the README's command: every suite). The language checks
// under tests/languages (the YAML and Go programs, the generated SDKs) do not depend on the Node
// version, so the support matrix runs them once: `.ci/leg` sets PMC_SKIP_LANGUAGE_CHECKS for the
// legs after the first, and this says so in the log rather than leaving them out silently.
/* global module, process */
const skipLanguages = Boolean(process.env.PMC_SKIP_LANGUAGE_CHECKS);
if (skipLanguages) {
  process.stdout.write(
    "tests/languages skipped: run once in leg 1 (PMC_SKIP_LANGUAGE_CHECKS is set by .ci/leg)\n",
  );
}

module.exports = {
  spec: ["dist/tests/**/*.test.js"],
  ignore: skipLanguages ? ["dist/tests/languages/**"] : [],
  timeout: 20000,
  recursive: true,
  "enable-source-maps": true,
  reporter: "dist/tests/reporter.js",
};
