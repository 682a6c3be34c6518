// Copies of examples/shipline.yml and examples/workflows/shipline.yml, which `shipline init` writes.
// test/runbook/templates.test.ts keeps them equal to the files: edit the examples, then copy them here.

/** examples/shipline.yml */
export const EXAMPLE_CONFIG = `# yaml-language-server: $schema=../schema/shipline.schema.json
workflow: shipline.yml
artifacts: { assets: ["app-*.tar.gz"], checksums: SHA256SUMS }
# A full example (every gate on); \`shipline init\` writes a starter whose first release goes through.
targets:
  staging: [stg-1, stg-2]
  eu-west: [web-1, web-2, web-3, web-4]
  us-east: [web-5, web-6, web-7, web-8]
driver: { type: directory, path: "/srv/app/{target}", keep: 5 }
stages:
  - { name: staging, targets: [staging], verify: [smoke] }
  - {
      name: canary,
      environment: production,
      targets: [eu-west, us-east],
      percent: 10,
      every-region: true,
      bake: 30m,
      verify: [smoke, error-rate],
    }
  - { name: production, targets: [eu-west, us-east], waves: [25, 50, 100], bake: 10m }
checks:
  smoke: { smoke: { url: "https://{target}.internal/health", expect: 200 } }
  error-rate:
    { prometheus: { url: "http://prometheus:9090", query: "sum(rate(http_errors_total[5m]))" }, max: 0.01 }
gates: # deploys start only Mon-Thu 09:00-16:00 London time, and only once \`load-test\` is green on the commit
  windows: { timezone: Europe/London, allow: ["Mon-Thu 09:00-16:00"] }
  required-checks: [load-test]
rollback: { automatic: true, lock: true }
`;

/** examples/workflows/shipline.yml */
export const EXAMPLE_WORKFLOW = `# The deploy workflow Shipline dispatches: copy it to .github/workflows/shipline.yml.
# Every stage runs as this job, which declares the stage's environment, so GitHub creates the Deployment and
# enforces the environment's protections (required reviewers, wait timers, Shipline's own protection rule).
# No \${{ }} expression appears inside a \`run:\` script: inputs reach code only through \`with:\` and \`env:\`.
name: shipline
run-name: "shipline: \${{ inputs.release }} to \${{ inputs.stage }} [\${{ inputs.mode }}\${{ inputs.from && format(' from {0}', inputs.from) || '' }}]"

on:
  workflow_dispatch:
    inputs:
      release: { description: "Release tag to deploy (or roll back to)", required: true, type: string }
      stage: { description: "Stage name from .github/shipline.yml", required: true, type: string }
      mode: { description: "rollout, rollback or verify", required: true, type: choice, options: [rollout, rollback, verify], default: rollout }
      pipeline: { description: "Pipeline name (monorepos)", required: false, type: string, default: default }
      environment: { description: "GitHub environment of the stage", required: true, type: string }
      from: { description: "For rollbacks: the release being rolled back", required: false, type: string, default: "" }
      reason: { description: "Why (rollbacks, hotfixes)", required: false, type: string, default: "" }

permissions:
  contents: read       # release assets and the config
  deployments: read    # previous successful release of the environment (rollbacks)
  checks: read         # Shipline's clearance of this run and the resolved config, on its check runs
  attestations: read   # artifacts.provenance: the build attestations of the assets (used only with it)

concurrency:
  # never two rollouts in one environment; a bake's verification round (mode verify) queues per stage on its
  # own, so it never waits behind, or cancels, a pending rollout or rollback of the environment
  group: shipline-\${{ inputs.pipeline }}-\${{ inputs.environment }}\${{ inputs.mode == 'verify' && format('-verify-{0}', inputs.stage) || '' }}
  cancel-in-progress: false

jobs:
  deploy:
    runs-on: ubuntu-latest          # use a self-hosted runner that can reach your targets
    environment: \${{ inputs.environment }}
    timeout-minutes: 180
    steps:
      - uses: actions/checkout@v4   # checks out the release tag (the dispatch ref): the same config the App read
        with: { persist-credentials: false }
      - uses: shipline/shipline/action@v1
        with:
          release: \${{ inputs.release }}
          stage: \${{ inputs.stage }}
          mode: \${{ inputs.mode }}
          pipeline: \${{ inputs.pipeline }}
          from: \${{ inputs.from }}
          reason: \${{ inputs.reason }}
          token: \${{ github.token }}
`;
