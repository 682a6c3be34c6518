export {
  appliesTo,
  type Deployed,
  fill,
  type MarkerRequest,
  markerRequests,
  NEW_RELIC_MUTATION,
} from "./request.js";
export { type MarkerDeps, postMarkers } from "./send.js";
