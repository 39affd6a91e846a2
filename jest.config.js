/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Per-file transpilation comes from `isolatedModules` in tsconfig.json (ts-jest 29.4 deprecates its own option).
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  moduleNameMapper: { '^adaptivecards$': '<rootDir>/node_modules/adaptivecards/dist/adaptivecards.min.js' },
  // Suites that start servers on fixed-but-configurable ports run one file at a time per worker;
  // two workers match the two cores of the CI machine.
  maxWorkers: 2,
  testTimeout: 30000,
  // Cards rendered in any test are checked against adaptivecards-templating (src/cards/template.ts).
  setupFiles: ['<rootDir>/test/helpers/crossCheckTemplates.ts'],
  reporters: ['default', '<rootDir>/test/helpers/summaryReporter.js'],
};
