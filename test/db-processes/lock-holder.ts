// For lib/db/lock-file.test.ts: `node --import tsx test/db-processes/lock-holder.ts <lock> <journal> <rounds>`
// takes the lock `rounds` times and records entering and leaving the critical section.
import { appendFileSync } from "node:fs";
import { acquireLock, sleep } from "../../lib/db/lock-file";

async function main(): Promise<void> {
  const [lockPath, journal, rounds] = process.argv.slice(2);
  for (let i = 0; i < Number(rounds); i++) {
    const release = await acquireLock(lockPath, { retryMs: 5 });
    appendFileSync(journal, `in ${process.pid}\n`);
    await sleep(10);
    appendFileSync(journal, `out ${process.pid}\n`);
    await release();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
