// `npm run admin -- <command>`: administration for operators and automation.
//   user create --email E --password P --workspace SLUG --role owner|admin|operator|viewer
//   token create --email E --workspace SLUG --role R [--name N] [--expires-in-days D]
//                (prints only the new token on stdout)
//   token revoke --id ID | --prefix onr_xxxxxxxx
//   workspace list
import path from "node:path";
import { parseArgs } from "node:util";
import { ensureDatabase } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrate";
import { disconnectDb } from "@/lib/db/client";
import { AdminError, createToken, createUser, listWorkspaces, revokeToken } from "@/lib/admin/admin-ops";

const USAGE = `Usage: npm run admin -- <command> [options]
  user create --email E --password P --workspace SLUG --role owner|admin|operator|viewer
  token create --email E --workspace SLUG --role R [--name N] [--expires-in-days D]
  token revoke --id ID | --prefix PREFIX
  workspace list`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      email: { type: "string" },
      password: { type: "string" },
      workspace: { type: "string" },
      role: { type: "string" },
      name: { type: "string" },
      id: { type: "string" },
      prefix: { type: "string" },
      "expires-in-days": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const command = positionals.join(" ");
  if (values.help || !command) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const known = ["user create", "token create", "token revoke", "workspace list"];
  if (!known.includes(command)) throw new AdminError(`Unknown command "${command}"`);

  const database = await ensureDatabase({
    dataDir: path.join(process.cwd(), ".data", "pg"),
    log: (m) => console.error(m),
  });
  try {
    await applyMigrations(database.url);
    process.env.DATABASE_URL = database.url;
    switch (command) {
      case "user create": {
        if (!values.password) throw new AdminError("--password is required");
        const { user, workspace, membership } = await createUser(values);
        console.error(`user ${user.email} is ${membership.role} of workspace ${workspace.slug}`);
        if (user.sessionVersion > 1)
          console.error(`password set: browser sessions of ${user.email} signed in before now are ended`);
        return 0;
      }
      case "token create": {
        const days = values["expires-in-days"];
        if (days !== undefined && !/^\d{1,4}$/.test(days))
          throw new AdminError("--expires-in-days must be a whole number of days");
        const { token, record } = await createToken({ ...values, expiresInDays: days ? Number(days) : undefined });
        console.error(`token ${record.prefix}… (${record.role}) created; it is shown once:`);
        process.stdout.write(`${token}\n`);
        return 0;
      }
      case "token revoke": {
        const t = await revokeToken(values);
        const also = t.descendantsRevoked ? ` with ${t.descendantsRevoked} token(s) created through it` : "";
        console.error(`token ${t.prefix}… revoked at ${t.revokedAt?.toISOString()}${also}`);
        return 0;
      }
      case "workspace list": {
        for (const w of await listWorkspaces())
          console.log(`${w.slug}\t${w.name}\tmembers=${w.members}\tonboardings=${w.onboardings}`);
        return 0;
      }
    }
    return 2;
  } finally {
    await disconnectDb();
    await database.release();
  }
}

main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((err) => {
    const message =
      err instanceof AdminError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")
        ? (err as Error).message
        : `unexpected error: ${(err as Error).message}`;
    console.error(`admin: ${message}\n\n${USAGE}`);
    process.exit(2);
  });
