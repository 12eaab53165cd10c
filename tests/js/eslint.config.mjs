// ESLint for the elements (browser modules) and the browser tests (Node, with callbacks
// that run in the page). Run from the repository's root by tests/js/run.sh:
//   tests/js/node_modules/.bin/eslint --config tests/js/eslint.config.mjs
// Rules that catch real mistakes: an unused or undefined name, == where === was meant, a
// binding that should not change declared so, a stray expression, a duplicate import.
import js from '@eslint/js';
import globals from 'globals';

const rules = {
  // A rest sibling leaves its named fields out on purpose ({ history, ...rest }).
  'no-unused-vars': ['error', { args: 'after-used', caughtErrors: 'none', ignoreRestSiblings: true }],
  'no-undef': 'error',
  eqeqeq: ['error', 'always'],
  'prefer-const': 'error',
  'no-var': 'error',
  'no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
  'no-duplicate-imports': 'error',
  'no-self-compare': 'error',
  'no-template-curly-in-string': 'error',
  'no-unmodified-loop-condition': 'error',
};

export default [
  { ignores: ['**/node_modules/**', 'www/pkg/**', 'www/hugo/public/**', 'www/hugo/static/slo/**', 'www/elements/*.bundle.js'] },
  js.configs.recommended,
  {
    files: ['www/elements/**/*.js', 'www/demo.js', 'www/hugo/static/*.js'],
    languageOptions: { ecmaVersion: 2024, sourceType: 'module', globals: globals.browser },
    rules,
  },
  {
    // Node scripts whose callbacks (page.evaluate, waitForFunction) run in the page.
    files: ['tests/browser/**/*.mjs', 'tests/npm-package/**/*.mjs', 'tests/js/**/*.mjs', 'www/*.mjs', 'www/npm/*.mjs', 'www/hugo/*.mjs'],
    languageOptions: { ecmaVersion: 2024, sourceType: 'module', globals: { ...globals.node, ...globals.browser } },
    rules,
  },
];
