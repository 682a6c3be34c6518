export { eventName, type NotifyEventName, type ReleaseEvent, wants } from "./event.js";
export { type Delivery, type Fetch, notify, type SendDeps } from "./send.js";
export { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signature, verifySignature } from "./sign.js";
export { slackMessage } from "./slack-message.js";
export { webhookBody, webhookRequest } from "./webhook.js";
