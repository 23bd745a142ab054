/** Layers import downward only, and nothing imports in a circle (type-only imports count too). */
const layer = (name) => `^src/${name}/`;
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'domain-is-pure',
      comment: 'src/domain holds the rules and the types they own: it imports no other layer',
      severity: 'error',
      from: { path: layer('domain') },
      to: { path: '^src/', pathNot: layer('domain') },
    },
    {
      name: 'nothing-below-imports-the-api',
      comment: 'the HTTP layer sits on top: domain, workflows, activities, auth and config never import it',
      severity: 'error',
      from: {
        path: '^src/(domain|contracts|workflows|activities|auth|config|audit|db|temporal|reports|observability|calendar)/',
      },
      to: { path: layer('api') },
    },
    {
      name: 'contracts-import-only-the-domain',
      comment:
        'what workflows, activities and the Temporal client share imports none of them, so no circle runs through it',
      severity: 'error',
      from: { path: layer('contracts') },
      to: { path: '^src/', pathNot: '^src/(domain|contracts)/' },
    },
    {
      name: 'activities-never-import-workflows',
      severity: 'error',
      from: { path: layer('activities') },
      to: { path: layer('workflows') },
    },
    {
      name: 'workflows-import-only-deterministic-code',
      comment: 'workflow code runs in the sandbox: the domain, the shared contracts and the Temporal workflow API',
      severity: 'error',
      from: { path: layer('workflows') },
      to: { path: '^src/', pathNot: '^src/(domain|workflows|contracts|activities)/' },
    },
    {
      name: 'workflows-name-activities-by-type-only',
      comment:
        'a workflow calls activities through proxyActivities<typeof activities>: their code stays out of the sandbox',
      severity: 'error',
      from: { path: layer('workflows') },
      to: { path: layer('activities'), dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'console-imports-only-what-runs-in-a-browser',
      comment:
        "the web console bundles the engine's rules and request schemas to check forms as the API does, nothing with I/O",
      severity: 'error',
      from: { path: '^web/src/' },
      to: {
        path: '^src/',
        pathNot: ['^src/domain/', '^src/api/schemas/', '^src/api/views/trailPage\\.ts$', '^src/api/language\\.ts$'],
        dependencyTypesNot: ['type-only'],
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Also where a worktree's src/generated symlink resolves to.
    exclude: { path: '(^|/)src/generated/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
