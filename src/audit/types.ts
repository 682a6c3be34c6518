/** What `shipline audit` reads from GitHub about one release, narrowed to plain data (see read.ts). */
export interface AuditRelease {
  tag: string;
  sha: string;
  author: string;
  createdAt: string | null;
  publishedAt: string | null;
  htmlUrl: string;
  prerelease: boolean;
}

export interface AuditCheckRun {
  id: number;
  name: string;
  status: string;
  conclusion: string | null;
  startedAt: string | null;
  completedAt: string | null;
  title: string | null;
  summary: string | null;
  detailsUrl: string | null;
  appId: number | null;
}

export interface AuditDeploymentStatus {
  id: number;
  state: string;
  createdAt: string;
  description: string;
  creator: string | null;
  logUrl: string | null;
}

export interface AuditDeployment {
  id: number;
  environment: string;
  ref: string;
  createdAt: string;
  creator: string | null;
  statuses: AuditDeploymentStatus[];
}

export interface AuditSource {
  release: AuditRelease;
  checkRuns: AuditCheckRun[];
  deployments: AuditDeployment[];
}

export interface TimelineEntry {
  /** ISO instant; records without their own time take their check run's. */
  at: string;
  kind: string;
  stage?: string;
  environment?: string;
  actor?: string;
  text: string;
  /** Where it was read: `release`, `check run <name>` or `deployment <id>`. */
  source: string;
  url?: string;
}

export interface Timeline {
  release: AuditRelease;
  entries: TimelineEntry[];
}
