// Artifact attestations (actions/attest-build-provenance), read back by subject digest as GitHub serves them:
// the Sigstore bundles as stored, 404 when the digest has none. Tests put bundles in `repo.attestations`.
import type { Handler } from "../core.js";
import { error, notFound, ok } from "../core.js";
import type { Json } from "../openapi/spec.js";
import type { Standin } from "../standin.js";

export const attestationRoutes: Record<string, Handler<Standin>> = {
  "GET /repos/{owner}/{repo}/attestations/{subject_digest}": ({ repo, params, query }) => {
    const digest = decodeURIComponent(params.subject_digest ?? "");
    const m = /^sha256:([0-9a-f]{64})$/i.exec(digest);
    if (!m) return error(422, `subject_digest must be sha256:<hex>, got ${digest}`);
    const predicate = query.get("predicate_type");
    const bundles = (repo.attestations.get(m[1]!.toLowerCase()) ?? []).filter(
      (a) => !predicate || a.predicate === predicate,
    );
    if (bundles.length === 0) return notFound();
    return ok({ attestations: bundles.map((a) => ({ bundle: a.bundle as Json, repository_id: repo.id })) });
  },
};
