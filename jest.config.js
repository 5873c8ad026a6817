/** @type {import('jest').Config} */
// `npm test` type-checks the whole project with tsc first; with isolatedModules in tsconfig.json
// ts-jest only transpiles each file.
const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': 'ts-jest' },
};

module.exports = {
  // Kills stray slapd processes (pid registry in $TMPDIR/plsl-harness-registry) and removes
  // their temp folders after every run, whichever projects ran.
  globalTeardown: '<rootDir>/__tests__/support/globalTeardown.ts',
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/__tests__/unit/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/__tests__/integration/**/*.test.ts'],
      // testTimeout is a global-only option in jest 29, so set 30 s per project here.
      setupFilesAfterEnv: ['<rootDir>/__tests__/support/integrationSetup.ts'],
    },
  ],
};
