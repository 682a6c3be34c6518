// Configs the scenarios (and the demo) deploy with: directory targets under a temporary root.

/** staging (1 host) -> canary (one host per region) -> production (two waves over four hosts). */
export function threeStages(root: string, extra = ""): string {
  return `workflow: shipline.yml
artifacts: { assets: ["app-*.tar.gz"], checksums: SHA256SUMS }
targets:
  staging: [stg-1]
  eu-west: [web-1, web-2]
  us-east: [web-3, web-4]
driver: { type: directory, path: "${root}/{target}", keep: 3 }
stages:
  - { name: staging, targets: [staging] }
  - { name: canary, environment: production, targets: [eu-west, us-east], percent: 25, every-region: true, approvals: 0 }
  - { name: production, targets: [eu-west, us-east], waves: [50, 100], approvals: 0 }
${extra}`;
}

/** One stage on two hosts in two waves: the shortest pipeline that can fail half-way and roll back. */
export function oneStage(root: string, extra = ""): string {
  return `workflow: shipline.yml
artifacts: { assets: ["app-*.tar.gz"], checksums: SHA256SUMS }
targets:
  eu-west: [web-1, web-2]
driver: { type: directory, path: "${root}/{target}", keep: 3 }
stages:
  - { name: live, environment: live, waves: [50, 100], approvals: 0 }
${extra}`;
}

/**
 * A command driver that installs for real (unpacks SHIPLINE_ARTIFACT into <root>/<target>/<version> and points
 * <root>/<target>/current at it) but fails a rollout on any target that has a `<target>.broken` marker, as a
 * full disk or a dead host would. Returns the script; the config runs it with `sh`.
 */
export function installScript(root: string): string {
  return `set -eu
t="${root}/$SHIPLINE_TARGET"
if [ -e "$t.broken" ] && [ "$SHIPLINE_MODE" != rollback ]; then
  echo "cannot install $SHIPLINE_VERSION on $SHIPLINE_TARGET: disk full" >&2
  exit 1
fi
mkdir -p "$t/$SHIPLINE_VERSION"
tar -xzf "$SHIPLINE_ARTIFACT" -C "$t/$SHIPLINE_VERSION"
ln -sfn "$SHIPLINE_VERSION" "$t/current.new"
mv -T "$t/current.new" "$t/current"
`;
}

/** One stage on two hosts in two waves, installed by `installScript` (saved at <root>/install.sh). */
export function oneStageCommand(root: string): string {
  return `workflow: shipline.yml
artifacts: { assets: ["app-*.tar.gz"], checksums: SHA256SUMS }
targets:
  eu-west: [web-1, web-2]
driver: { type: command, run: "sh ${root}/install.sh" }
stages:
  - { name: live, environment: live, waves: [50, 100], approvals: 0 }
`;
}

/** `threeStages` installed by `installScript` (saved at <root>/install.sh) instead of the directory driver. */
export function threeStagesCommand(root: string): string {
  return threeStages(root).replace(
    /driver: .*\n/,
    `driver: { type: command, run: "sh ${root}/install.sh" }\n`,
  );
}

/**
 * staging (1 host) -> production (four hosts, two waves). Production keeps the default four-eyes rule: a stage
 * whose environment contains "prod" needs one approval from someone who neither published nor triggered it.
 */
export function stagingProduction(root: string, extra = ""): string {
  return `workflow: shipline.yml
artifacts: { assets: ["app-*.tar.gz"], checksums: SHA256SUMS }
targets:
  staging: [stg-1]
  eu-west: [web-1, web-2]
  us-east: [web-3, web-4]
driver: { type: directory, path: "${root}/{target}", keep: 3 }
stages:
  - { name: staging, targets: [staging] }
  - { name: production, targets: [eu-west, us-east], waves: [50, 100] }
${extra}`;
}

/**
 * canary (one host per region, verified against Prometheus right after its rollout: one round) -> production. The
 * check is the error ratio of the release's own traffic (`version="{version}"`), at most 5%. (A bake would run on the
 * App's clock, which these App processes' real time and no tick never move: bakes are test/e2e/bake.test.ts's.)
 */
export function verifiedCanary(root: string, prometheusUrl: string): string {
  return `workflow: shipline.yml
artifacts: { assets: ["app-*.tar.gz"], checksums: SHA256SUMS }
targets:
  eu-west: [web-1, web-2]
  us-east: [web-3, web-4]
driver: { type: directory, path: "${root}/{target}", keep: 3 }
stages:
  - { name: canary, environment: production, targets: [eu-west, us-east], percent: 25, every-region: true, approvals: 0, verify: [error-rate] }
  - { name: production, targets: [eu-west, us-east], waves: [50, 100], approvals: 0 }
${errorRateCheck(prometheusUrl)}`;
}

/** The error-ratio check of the release's own traffic (`version="{version}"`) against Prometheus, at most 5%. */
export function errorRateCheck(prometheusUrl: string): string {
  return `checks:
  error-rate:
    prometheus:
      url: ${prometheusUrl}
      query: 'sum(rate(http_requests_total{version="{version}",code=~"5.."}[10s])) / sum(rate(http_requests_total{version="{version}"}[10s]))'
    max: 0.05
rollback: { automatic: true, lock: true }
`;
}

/**
 * `threeStagesCommand` whose canary is verified against Prometheus (`errorRateCheck`) right after its rollout:
 * one round, no bake (a bake runs on the App's clock: see test/e2e/bake.test.ts).
 */
export function threeStagesVerified(root: string, prometheusUrl: string): string {
  return `${threeStagesCommand(root).replace(
    "every-region: true, approvals: 0 }",
    "every-region: true, approvals: 0, verify: [error-rate] }",
  )}${errorRateCheck(prometheusUrl)}`;
}

/**
 * A canary that bakes 48h with a verification round every 4h, then production, on two directory hosts. The one
 * check is a command the test controls: it fails while `<root>/probe.fail` exists (every round runs it).
 */
export function bakedCanary(root: string): string {
  return `workflow: shipline.yml
artifacts: { assets: ["app-*.tar.gz"], checksums: SHA256SUMS }
targets:
  eu-west: [web-1, web-2]
driver: { type: directory, path: "${root}/{target}", keep: 3 }
rollback: { automatic: true, lock: true }
stages:
  - { name: canary, environment: production, percent: 50, bake: 48h, interval: 4h, verify: [probe], approvals: 0 }
  - { name: production, approvals: 0 }
checks:
  probe: { command: { run: 'test ! -e "${root}/probe.fail"', every-round: true } }
`;
}
