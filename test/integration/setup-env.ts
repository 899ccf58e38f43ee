// Points `db()` (which reads DATABASE_URL) at this run's scratch database in every test worker.
import { inject } from "vitest";

process.env.DATABASE_URL = inject("databaseUrl");
// One info line per API request would bury the test output; warnings and errors still show.
process.env.LOG_LEVEL ??= "warn";
