import "server-only";
// Outgoing mail through SMTP (nodemailer), when SMTP_URL is set: smtp://user:pass@host:587
// (STARTTLS when the server offers it) or smtps://user:pass@host:465 (TLS from the start).
// Mail is a convenience next to a link the UI shows anyway, so a failure is logged — without
// the URL's credentials — and reported as `false`, never thrown.
import nodemailer from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport";
import { log } from "@/lib/log/logger";

export const DEFAULT_MAIL_FROM = "Onramp <no-reply@localhost>";

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export function mailConfigured(): boolean {
  return !!process.env.SMTP_URL;
}

/** The transport options from SMTP_URL, or null when it is unset or not an smtp(s) URL. */
export function smtpOptions(raw = process.env.SMTP_URL): SMTPTransport.Options | null {
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:") return null;
  const secure = url.protocol === "smtps:";
  return {
    host: url.hostname.replace(/^\[|\]$/g, ""),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    // An invitation waits for this inside its request: fail within seconds, not an hour.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  };
}

/** Sends one message; true when the SMTP server accepted it. */
export async function sendMail(message: MailMessage, context: Record<string, unknown> = {}): Promise<boolean> {
  const options = smtpOptions();
  if (!options) {
    if (process.env.SMTP_URL) log.warn({ ...context }, "SMTP_URL is not an smtp:// or smtps:// URL; mail not sent");
    return false;
  }
  const transport = nodemailer.createTransport(options);
  try {
    await transport.sendMail({ from: process.env.MAIL_FROM || DEFAULT_MAIL_FROM, ...message });
    return true;
  } catch (err) {
    const e = err as { message?: string; code?: string; responseCode?: number; command?: string };
    log.warn(
      {
        ...context,
        smtpHost: options.host,
        smtpPort: options.port,
        code: e.code,
        responseCode: e.responseCode,
        command: e.command,
        reason: redact(e.message ?? String(err), options),
      },
      "mail not sent",
    );
    return false;
  } finally {
    transport.close();
  }
}

function redact(text: string, options: SMTPTransport.Options): string {
  const auth = options.auth as { user?: string; pass?: string } | undefined;
  let out = text.slice(0, 500);
  for (const secret of [auth?.pass, process.env.SMTP_URL]) if (secret) out = out.split(secret).join("[redacted]");
  return out;
}
