// The invitation email: plain text (the link on a line of its own) and a minimal HTML part.
import type { MailMessage } from "@/lib/mail/send-mail";

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function invitationMail(opts: {
  to: string;
  workspaceName: string;
  role: string;
  inviterEmail: string;
  inviteUrl: string;
  expiresAt: Date;
}): MailMessage {
  const expires = opts.expiresAt.toUTCString();
  const text = [
    `${opts.inviterEmail} invited you to join ${opts.workspaceName} on Onramp as ${opts.role}.`,
    "",
    "Open this link to accept (create an account, or sign in with yours):",
    opts.inviteUrl,
    "",
    `The link works once and expires on ${expires}. If you did not expect it, ignore this email.`,
  ].join("\n");
  const html =
    `<p>${escapeHtml(opts.inviterEmail)} invited you to join <strong>${escapeHtml(opts.workspaceName)}</strong> on Onramp as ${escapeHtml(opts.role)}.</p>` +
    `<p><a href="${escapeHtml(opts.inviteUrl)}">Accept the invitation</a></p>` +
    `<p>The link works once and expires on ${escapeHtml(expires)}. If you did not expect it, ignore this email.</p>`;
  return { to: opts.to, subject: `You are invited to ${opts.workspaceName} on Onramp`, text, html };
}
