import { describe, expect, it } from "vitest";
import { invitationState } from "./serialize";
import { invitationMail } from "./invitation-mail";
import { generateInvitationToken, hashInvitationToken } from "./token";

const now = new Date("2026-01-10T12:00:00Z");
const later = new Date("2026-01-11T12:00:00Z");
const earlier = new Date("2026-01-09T12:00:00Z");

describe("invitationState", () => {
  it("accepted and revoked are final; past its expiry a pending invitation is expired", () => {
    expect(invitationState({ acceptedAt: null, revokedAt: null, expiresAt: later }, now)).toBe("pending");
    expect(invitationState({ acceptedAt: null, revokedAt: null, expiresAt: now }, now)).toBe("expired");
    expect(invitationState({ acceptedAt: earlier, revokedAt: null, expiresAt: earlier }, now)).toBe("accepted");
    expect(invitationState({ acceptedAt: null, revokedAt: earlier, expiresAt: earlier }, now)).toBe("revoked");
  });
});

describe("invitation tokens", () => {
  it("are 32 random bytes in base64url, stored as their sha256", () => {
    const a = generateInvitationToken();
    const b = generateInvitationToken();
    expect(a.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.token, "base64url")).toHaveLength(32);
    expect(a.token).not.toBe(b.token);
    expect(a.hash).toBe(hashInvitationToken(a.token));
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("invitationMail", () => {
  it("carries the link in the text and escapes the workspace name in the HTML", () => {
    const mail = invitationMail({
      to: "a@example.test",
      workspaceName: "<Acme & Co>",
      role: "operator",
      inviterEmail: "owner@example.test",
      inviteUrl: "https://onramp.example/invite/abc",
      expiresAt: later,
    });
    expect(mail.text.split("\n")).toContain("https://onramp.example/invite/abc");
    expect(mail.html).toContain("&#60;Acme &#38; Co&#62;");
    expect(mail.html).not.toContain("<Acme");
  });
});
