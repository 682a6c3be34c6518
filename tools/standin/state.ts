// In-memory state of the GitHub stand-in: what GitHub would store for each repository.
export type Permission = "admin" | "maintain" | "write" | "triage" | "read" | "none";

export interface Account {
  login: string;
  id: number;
  type: "User" | "Bot" | "Organization";
}

export interface Asset {
  id: number;
  name: string;
  contentType: string;
  data: Buffer;
  digest: string;
  uploader: Account;
  createdAt: string;
}

export interface Release {
  id: number;
  tag: string;
  sha: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  author: Account;
  createdAt: string;
  publishedAt: string | null;
  assets: Asset[];
}

export interface CheckRun {
  id: number;
  headSha: string;
  name: string;
  status: string;
  conclusion: string | null;
  startedAt: string;
  completedAt: string | null;
  detailsUrl: string | null;
  externalId: string;
  output: { title: string | null; summary: string | null; text: string | null };
  actions: { label: string; description: string; identifier: string }[];
  /** The App that owns it: undefined for the App under test, "github-actions" for a workflow job's check run. */
  owner?: "github-actions";
  /** Annotations (a job's from its `::error` / `::warning` / `::notice` workflow commands). */
  annotations?: Annotation[];
  /** Every status and title it was written with, in order (for tests: what a user could have seen). */
  writes?: { status: string; title: string | null }[];
}

export interface Annotation {
  level: "notice" | "warning" | "failure";
  title: string | null;
  message: string;
  path: string;
  startLine: number;
  endLine: number;
}

export interface WorkflowRun {
  id: number;
  runNumber: number;
  workflowId: number;
  workflowFile: string;
  workflowName: string;
  displayTitle: string;
  ref: string;
  sha: string;
  inputs: Record<string, string>;
  status: "queued" | "waiting" | "in_progress" | "completed";
  conclusion: "success" | "failure" | null;
  createdAt: string;
  updatedAt: string;
  actor: Account;
  deploymentId: number | null;
  /** The check run of the run's deploy job (created when the job is queued). */
  jobCheckRunId?: number;
}

export interface DeploymentStatus {
  id: number;
  state: string;
  description: string;
  environment: string;
  environmentUrl: string;
  logUrl: string;
  creator: Account;
  createdAt: string;
}

export interface Deployment {
  id: number;
  sha: string;
  ref: string;
  task: string;
  payload: Record<string, unknown> | string;
  environment: string;
  description: string | null;
  creator: Account;
  createdAt: string;
  transient: boolean;
  production: boolean;
  statuses: DeploymentStatus[];
  /** The workflow run whose job created it (Actions deployments). */
  runId: number | null;
}

export interface Environment {
  id: number;
  name: string;
  createdAt: string;
  waitTimer: number;
  preventSelfReview: boolean;
  reviewers: { type: "User" | "Team"; id: number }[];
  /** Custom deployment protection rule apps (the App under test when true). */
  customRule: boolean;
  deploymentBranchPolicy: { protected_branches: boolean; custom_branch_policies: boolean } | null;
}

export interface ProtectionReview {
  runId: number;
  environment: string;
  state: "approved" | "rejected" | null;
  comment: string | null;
}

export interface Reaction {
  id: number;
  content: string;
  user: Account;
  createdAt: string;
}

export interface Comment {
  id: number;
  issueNumber: number;
  body: string;
  user: Account;
  createdAt: string;
  updatedAt: string;
  reactions: Reaction[];
}

export interface Dispatch {
  workflowId: string;
  ref: string;
  inputs: Record<string, string>;
  returnRunDetails: boolean;
  runId: number;
}

export interface RepoState {
  owner: Account;
  name: string;
  id: number;
  defaultBranch: string;
  private: boolean;
  /** path -> file text (one version; contents requests at any ref see it). */
  files: Map<string, string>;
  /** full ref name (`refs/tags/v1.0.0`) -> sha */
  refs: Map<string, string>;
  releases: Release[];
  checkRuns: CheckRun[];
  dispatches: Dispatch[];
  runs: WorkflowRun[];
  deployments: Deployment[];
  environments: Map<string, Environment>;
  /** Environment variables, keyed `<environment>/<NAME>`. */
  variables: Map<string, { name: string; value: string; createdAt: string; updatedAt: string }>;
  reviews: ProtectionReview[];
  comments: Comment[];
  /** Who wrote and committed a commit, and the merged pull requests that brought it in (people.ts routes). */
  commitPeople: Map<string, CommitPeople>;
  /** Reviews of waiting deploy jobs given in GitHub's UI, by run id. */
  runApprovals: Map<number, { user: Account; state: "approved" | "rejected"; environment: string }[]>;
  permissions: Map<string, Permission>;
  /** Artifact attestations by subject sha256 (hex): the Sigstore bundle and its predicate ("provenance"). */
  attestations: Map<string, { bundle: unknown; predicate: string }[]>;
}

let nextId = 1000;
/** Ids are unique across the stand-in, like GitHub's. */
export function newId(): number {
  nextId += 1;
  return nextId;
}

export function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function newRepo(fullName: string): RepoState {
  const [owner, name] = fullName.split("/");
  if (!owner || !name) throw new Error(`repo must be "owner/name", got ${fullName}`);
  return {
    owner: { login: owner, id: newId(), type: "Organization" },
    name,
    id: newId(),
    defaultBranch: "main",
    private: false,
    files: new Map(),
    refs: new Map([["refs/heads/main", "0000000000000000000000000000000000000001"]]),
    releases: [],
    checkRuns: [],
    dispatches: [],
    runs: [],
    deployments: [],
    environments: new Map(),
    variables: new Map(),
    reviews: [],
    comments: [],
    commitPeople: new Map(),
    runApprovals: new Map(),
    permissions: new Map(),
    attestations: new Map(),
  };
}

export interface CommitPeople {
  author?: Account;
  committer?: Account;
  pulls?: { number: number; user: Account; mergedBy: Account }[];
}
