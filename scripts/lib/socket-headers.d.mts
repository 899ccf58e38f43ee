import type { IncomingMessage } from "node:http";
export function rewriteForwardedHeaders(req: IncomingMessage, trustProxy: boolean): void;
