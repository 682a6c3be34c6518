export { timelineMarkdown, timelineText } from "./format.js";
export { buildTimeline } from "./timeline.js";
export type { AuditSource, Timeline, TimelineEntry } from "./types.js";
