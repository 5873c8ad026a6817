import * as mapping from '../../../lib/mapping';

describe('lib/mapping index', () => {
  it('re-exports the public API', () => {
    for (const name of [
      'DnSyntaxError',
      'parseDn',
      'escapeDnValue',
      'normalizeDn',
      'dnEquals',
      'formatDn',
      'escapeFilterValue',
      'fillTemplate',
      'filterProblem',
      'normalizeFilter',
      'ROLE_PRECEDENCE',
      'resolveRole',
      'resolveWorkspaces',
      'compileMapping',
    ]) {
      expect(mapping).toHaveProperty(name);
    }
  });
});
