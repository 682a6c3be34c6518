export type ArtifactKind = "tar" | "zip" | "deb" | "file";

/** What an asset is, by its name: archives are unpacked by the directory driver, other files copied as they are. */
export function artifactKind(name: string): ArtifactKind {
  const lower = name.toLowerCase();
  if (lower.endsWith(".tar.gz") || lower.endsWith(".tgz") || lower.endsWith(".tar")) return "tar";
  if (lower.endsWith(".zip")) return "zip";
  if (lower.endsWith(".deb")) return "deb";
  return "file";
}
