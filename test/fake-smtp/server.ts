// A tiny SMTP receiver on loopback (node:net, no packages): enough of RFC 5321 for nodemailer
// to deliver a message — EHLO, AUTH PLAIN/LOGIN, MAIL, RCPT, DATA, QUIT — and every message
// kept with its envelope, so tests prove a real SMTP conversation took place.
import net from "node:net";

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The DATA section as sent (headers and body), dot-stuffing undone. */
  raw: string;
  /** `raw` with quoted-printable soft breaks and escapes undone, for searching the text. */
  text: string;
  auth: { user: string; pass: string } | null;
}

export interface FakeSmtp {
  url: (auth?: { user: string; pass: string }) => string;
  port: number;
  messages: ReceivedMail[];
  close: () => Promise<void>;
}

const decodeQp = (s: string) =>
  s.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

export async function startFakeSmtp(): Promise<FakeSmtp> {
  const messages: ReceivedMail[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    let buffer = "";
    let mode: "command" | "data" | "auth-user" | "auth-pass" | "auth-plain" = "command";
    let envelope: { from: string; to: string[] } = { from: "", to: [] };
    let auth: ReceivedMail["auth"] = null;
    let pendingUser = "";
    const reply = (line: string) => socket.write(`${line}\r\n`);
    const plain = (b64: string) => {
      const [, user = "", pass = ""] = Buffer.from(b64, "base64").toString("utf8").split("\u0000");
      auth = { user, pass };
      reply("235 2.7.0 Authentication successful");
    };
    reply("220 fake-smtp ESMTP ready");
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      for (;;) {
        if (mode === "data") {
          const end = buffer.indexOf("\r\n.\r\n");
          if (end === -1) return;
          const raw = buffer.slice(0, end).replace(/^\.\./gm, ".");
          buffer = buffer.slice(end + 5);
          messages.push({ ...envelope, raw, text: decodeQp(raw), auth });
          envelope = { from: "", to: [] };
          mode = "command";
          reply("250 2.0.0 queued");
          continue;
        }
        const nl = buffer.indexOf("\r\n");
        if (nl === -1) return;
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 2);
        if (mode === "auth-plain") {
          mode = "command";
          plain(line);
          continue;
        }
        if (mode === "auth-user") {
          pendingUser = Buffer.from(line, "base64").toString("utf8");
          mode = "auth-pass";
          reply("334 UGFzc3dvcmQ6");
          continue;
        }
        if (mode === "auth-pass") {
          auth = { user: pendingUser, pass: Buffer.from(line, "base64").toString("utf8") };
          mode = "command";
          reply("235 2.7.0 Authentication successful");
          continue;
        }
        const [verb, ...rest] = line.split(" ");
        const arg = rest.join(" ");
        switch (verb.toUpperCase()) {
          case "EHLO":
            socket.write("250-fake-smtp\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n");
            break;
          case "HELO":
          case "NOOP":
          case "RSET":
            reply("250 OK");
            break;
          case "AUTH": {
            const [mech, initial] = arg.split(" ");
            if (mech.toUpperCase() === "PLAIN") {
              if (initial) plain(initial);
              else {
                mode = "auth-plain";
                reply("334 ");
              }
            } else if (mech.toUpperCase() === "LOGIN") {
              mode = "auth-user";
              reply("334 VXNlcm5hbWU6");
            } else reply("504 5.5.4 Unrecognized authentication type");
            break;
          }
          case "MAIL":
            envelope.from = /<([^>]*)>/.exec(arg)?.[1] ?? "";
            reply("250 2.1.0 OK");
            break;
          case "RCPT":
            envelope.to.push(/<([^>]*)>/.exec(arg)?.[1] ?? "");
            reply("250 2.1.5 OK");
            break;
          case "DATA":
            mode = "data";
            reply("354 End data with <CR><LF>.<CR><LF>");
            break;
          case "QUIT":
            reply("221 2.0.0 Bye");
            socket.end();
            return;
          default:
            reply("502 5.5.2 Command not recognized");
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    messages,
    url: (a) => `smtp://${a ? `${encodeURIComponent(a.user)}:${encodeURIComponent(a.pass)}@` : ""}127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
