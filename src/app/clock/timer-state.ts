/**
 * Whether this process runs the in-process timer, and how often (ms; 0 when it runs none: `probot run`, a
 * serverless host, or SHIPLINE_CLOCK_INTERVAL=0). Not pipeline state: only what a held stage's check run tells
 * the user about how it will be woken.
 */
let interval = 0;

export function clockInterval(): number {
  return interval;
}

export function setClockInterval(ms: number): void {
  interval = ms;
}
