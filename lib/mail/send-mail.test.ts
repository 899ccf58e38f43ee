// sendMail against a real SMTP conversation on loopback (test/fake-smtp), and its failures.
import net from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFakeSmtp, type FakeSmtp } from "@/test/fake-smtp/server";
import { DEFAULT_MAIL_FROM, sendMail, smtpOptions } from "./send-mail";

let smtp: FakeSmtp;
const saved = { url: process.env.SMTP_URL, from: process.env.MAIL_FROM };

beforeAll(async () => {
  smtp = await startFakeSmtp();
});
afterAll(() => smtp.close());
afterEach(() => {
  process.env.SMTP_URL = saved.url;
  process.env.MAIL_FROM = saved.from;
  if (saved.url === undefined) delete process.env.SMTP_URL;
  if (saved.from === undefined) delete process.env.MAIL_FROM;
});

const link = "http://onramp.test/invite/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-AbCdE";

describe("sendMail", () => {
  it("delivers over SMTP with the credentials from SMTP_URL, from the default sender", async () => {
    process.env.SMTP_URL = smtp.url({ user: "mailer", pass: "p@ss:word" });
    delete process.env.MAIL_FROM;
    const ok = await sendMail({
      to: "invitee@example.test",
      subject: "You are invited",
      text: `Open ${link} to join.`,
    });
    expect(ok).toBe(true);
    const got = smtp.messages.at(-1)!;
    expect(got.to).toEqual(["invitee@example.test"]);
    expect(got.from).toBe("no-reply@localhost");
    expect(got.raw).toContain(`From: ${DEFAULT_MAIL_FROM}`);
    expect(got.auth).toEqual({ user: "mailer", pass: "p@ss:word" });
    expect(got.text).toContain(link);
  });

  it("uses MAIL_FROM", async () => {
    process.env.SMTP_URL = smtp.url();
    process.env.MAIL_FROM = "Ops <ops@example.test>";
    expect(await sendMail({ to: "a@example.test", subject: "s", text: "t" })).toBe(true);
    expect(smtp.messages.at(-1)!.from).toBe("ops@example.test");
    expect(smtp.messages.at(-1)!.auth).toBeNull();
  });

  it("sends nothing without SMTP_URL, and answers false when the server is unreachable", async () => {
    delete process.env.SMTP_URL;
    const before = smtp.messages.length;
    expect(await sendMail({ to: "a@example.test", subject: "s", text: "t" })).toBe(false);
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    process.env.SMTP_URL = `smtp://user:secret@127.0.0.1:${port}`;
    expect(await sendMail({ to: "a@example.test", subject: "s", text: "t" })).toBe(false);
    expect(smtp.messages.length).toBe(before);
  });

  it("reads smtp and smtps URLs", () => {
    expect(smtpOptions("smtps://u:p%40x@mail.example.com")).toMatchObject({
      host: "mail.example.com",
      port: 465,
      secure: true,
      auth: { user: "u", pass: "p@x" },
    });
    expect(smtpOptions("smtp://mail.example.com")).toMatchObject({ port: 587, secure: false, auth: undefined });
    expect(smtpOptions("http://mail.example.com")).toBeNull();
    expect(smtpOptions("not a url")).toBeNull();
  });
});
