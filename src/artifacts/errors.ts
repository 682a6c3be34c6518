/** A refusal to deploy an artifact: the message says what is wrong and what to do next. */
export class ArtifactError extends Error {
  override readonly name = "ArtifactError";
}
