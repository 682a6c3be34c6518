/** The fields of a GitHub release asset the Action reads. */
export interface ReleaseAsset {
  id: number;
  name: string;
  size: number;
  /** "sha256:<hex>", set by GitHub on assets uploaded since 2025; may be null. */
  digest?: string | null;
  state?: string;
  uploader?: { login: string; type?: string } | null;
}

export interface ReleaseInfo {
  id: number;
  tag_name: string;
  draft?: boolean;
  prerelease?: boolean;
  target_commitish?: string;
  assets: ReleaseAsset[];
}
